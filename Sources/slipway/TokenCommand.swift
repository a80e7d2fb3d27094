import ArgumentParser
import Foundation
import SlipwayCore
import SlipwayLedger

/// `slipway token create | revoke | list`: the API tokens that say who approves.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Make, list and revoke API tokens: who a person is (a user and groups) when they approve or reject.",
        discussion: """
            Groups match the approver lists of environment specs (approvers: ["group:release-managers"]) and their \
            breakGlass groups. The ledger keeps only each token's SHA-256: a token is shown once, when it is made.
            """,
        subcommands: [TokenCreateCommand.self, TokenListCommand.self, TokenRevokeCommand.self]
    )
}

struct TokenCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Make a token for a person and print it, once.",
        discussion: """
            The token alone goes to standard output (TOKEN=$(slipway token create …) keeps it); what it is for goes \
            to standard error. Give it to the person and let them set SLIPWAY_TOKEN.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Whom the token speaks for.")
    var user: String

    @Option(name: .customLong("group"), help: "A group the person is in (repeat for more), e.g. release-managers.")
    var groups: [String] = []

    @Option(name: .long, help: ArgumentHelp("How long the token works: a duration such as 30d or 12h, or never.", valueName: "duration|never"))
    var expires: String = "90d"

    func validate() throws {
        if expires != "never", SpecDuration.parse(expires) == nil {
            throw ValidationError("--expires takes a duration such as 30d, 12h or 90m, or never; found '\(expires)'")
        }
        if let group = groups.first(where: { $0.hasPrefix("group:") }) {
            throw ValidationError("write the group's name without 'group:' (--group \(group.dropFirst(6)))")
        }
    }

    func run() async throws {
        try await runReportingFailures {
            var expiresAt: Date?
            if let duration = SpecDuration.parse(expires) {
                expiresAt = Date().addingTimeInterval(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
            }
            let issued = try await DatabaseSource.withLedger(global) { ledger in
                try await ledger.transaction { tx in
                    try await tx.createToken(user: user, groups: groups, expiresAt: expiresAt, actor: CurrentUser.name(or: nil))
                }
            }
            let record = issued.record
            var about = "token \(record.id) for \(record.user)"
            about += record.groups.isEmpty ? " (no groups)" : " (groups: \(record.groups.joined(separator: ", ")))"
            about += record.expiresAt.map { ", expires \(TokenListCommand.format($0))" } ?? ", never expires"
            printNote(about + "; it is shown only now: Slipway keeps its hash, not the token")
            print(issued.token)
        }
    }
}

struct TokenListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List tokens: whom each speaks for and whether it still works (never the token or its hash)."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "table, json or csv.")
    var output: OutputFormat = .table

    struct Row: Encodable {
        var id: Int64
        var user: String
        var groups: [String]
        var state: String
        var createdBy: String
        var createdAt: Date
        var expiresAt: Date?
        var revokedAt: Date?
        var lastUsedAt: Date?
    }

    func run() async throws {
        try await runReportingFailures {
            let tokens = try await DatabaseSource.withLedger(global) { ledger in
                try await ledger.transaction { tx in try await tx.tokens() }
            }
            let now = Date()
            let rows = tokens.map { token in
                Row(
                    id: token.id, user: token.user, groups: token.groups, state: token.state(at: now), createdBy: token.createdBy,
                    createdAt: token.createdAt, expiresAt: token.expiresAt, revokedAt: token.revokedAt, lastUsedAt: token.lastUsedAt
                )
            }
            if output == .json { return try printJSON(rows) }
            var table = TextTable(["ID", "USER", "GROUPS", "STATE", "CREATED", "EXPIRES", "LAST USED"])
            for row in rows {
                table.add([
                    String(row.id), row.user, row.groups.joined(separator: ","), row.state, Self.format(row.createdAt),
                    row.expiresAt.map(Self.format) ?? "never", row.lastUsedAt.map(Self.format) ?? "-",
                ])
            }
            if output == .csv { return print(table.renderCSV()) }
            print(rows.isEmpty ? "no tokens; make one with `slipway token create --user NAME --group GROUP`" : table.render())
        }
    }

    /// `2026-11-23 14:00 UTC`.
    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: date)
    }
}

struct TokenRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a token for good: it is refused from now on (approvals made with it stay recorded)."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The token's id, as `slipway token list` shows it.")
    var id: Int64

    func run() async throws {
        try await runReportingFailures {
            let record = try await DatabaseSource.withLedger(global) { ledger in
                try await ledger.transaction { tx in try await tx.revokeToken(id: id, actor: CurrentUser.name(or: nil)) }
            }
            print("token \(record.id) (\(record.user)) revoked" + (record.revokedAt.map { " at \(TokenListCommand.format($0))" } ?? ""))
        }
    }
}
