import ArgumentParser
import Foundation
import SlipwayCore
import SlipwayLedger

struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List promotions, newest first, filtered by environment, pipeline, status, actor, commit and time.",
        discussion: "Times are UTC. --since and --until take 2026-11-23, 2026-11-23T14:00:00Z, or a duration ago such as 24h or 7d."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("env"), help: "Only this environment.")
    var environment: String?

    @Option(name: .long, help: "Only this pipeline.")
    var pipeline: String?

    @Option(name: .long, help: "Only this status: \(PromotionStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
    var status: String?

    @Option(name: .long, help: "Only promotions this person triggered or decided an approval of.")
    var actor: String?

    @Option(name: .long, help: "Only this commit (a SHA or a prefix of at least 4 characters).")
    var commit: String?

    @Option(name: .long, help: "Only promotions created at or after this time.")
    var since: TimeArgument?

    @Option(name: .long, help: "Only promotions created before this time.")
    var until: TimeArgument?

    @Option(name: .long, help: "At most this many promotions (1–\(HistoryQuery.maximumLimit)).")
    var limit: Int = 50

    @Option(name: .long, help: "Continue after a previous page (the cursor it printed).")
    var cursor: String?

    @Option(name: .long, help: "table, json or csv.")
    var output: OutputFormat = .table

    @Flag(name: .long, help: "Add where each release came from: artifact digests (binary, image, SBOM), scan verdicts, the model and its digest.")
    var provenance = false

    func validate() throws {
        if let status, PromotionStatus(rawValue: status) == nil {
            throw ValidationError("unknown status '\(status)'; expected one of: \(PromotionStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let cursor, HistoryCursor(cursor) == nil {
            throw ValidationError("'\(cursor)' is not a history cursor; pass the value a previous page printed as its next cursor")
        }
        guard (1...HistoryQuery.maximumLimit).contains(limit) else {
            throw ValidationError("--limit must be between 1 and \(HistoryQuery.maximumLimit)")
        }
        if let commit, commit.count < 4 || !commit.allSatisfy(\.isHexDigit) {
            throw ValidationError("--commit must be a SHA or at least 4 hexadecimal characters of one")
        }
    }

    struct Report: Encodable {
        var promotions: [Entry]
        var nextCursor: String?
    }

    /// A promotion as JSON: its record's fields, and with --provenance where its release came from.
    struct Entry: Encodable {
        var promotion: PromotionRecord
        var provenance: ReleaseProvenance?

        func encode(to encoder: any Encoder) throws {
            try promotion.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encodeIfPresent(provenance, forKey: .provenance)
        }

        enum Key: String, CodingKey { case provenance }
    }

    func run() async throws {
        try await runReportingFailures {
            let query = HistoryQuery(
                environment: environment, pipeline: pipeline, status: status.flatMap(PromotionStatus.init(rawValue:)),
                actor: actor, commit: commit, since: since?.date, until: until?.date, limit: limit,
                cursor: cursor.flatMap(HistoryCursor.init)
            )
            let (page, origins) = try await DatabaseSource.withLedger(global) { ledger in
                let page = try await ledger.history(query)
                return (page, provenance ? try await Self.provenance(of: page.promotions, in: ledger) : [:])
            }
            switch output {
            case .json:
                let entries = page.promotions.map { Entry(promotion: $0, provenance: origins[$0.id]) }
                try printJSON(Report(promotions: entries, nextCursor: page.nextCursor?.description))
            case .csv:
                print(table(page.promotions, origins: origins, full: true).renderCSV())
            case .table:
                if page.promotions.isEmpty {
                    print("no promotions match")
                } else {
                    print(table(page.promotions, origins: origins, full: false).render())
                }
                if let next = page.nextCursor {
                    printNote("more: slipway history --cursor \(next) (same filters)")
                }
            }
        }
    }

    /// The provenance of each promotion, from one bill per release on the page.
    static func provenance(of promotions: [PromotionRecord], in ledger: Ledger) async throws -> [Int64: ReleaseProvenance] {
        try await ledger.transaction { tx in
            var bills: [Int64: ReleaseBill] = [:]
            var origins: [Int64: ReleaseProvenance] = [:]
            for promotion in promotions {
                if bills[promotion.runID] == nil, let bill = try await tx.releaseBill(runID: promotion.runID) {
                    bills[promotion.runID] = bill
                }
                if let bill = bills[promotion.runID] { origins[promotion.id] = ReleaseProvenance(bill: bill, promotionID: promotion.id) }
            }
            return origins
        }
    }

    private func table(_ promotions: [PromotionRecord], origins: [Int64: ReleaseProvenance], full: Bool) -> TextTable {
        var columns = ["ID", "PIPELINE", "ENVIRONMENT", "STATUS", "COMMIT", "RELEASE", "STRATEGY", "BY", "CREATED", "FINISHED", "REASON"]
        if provenance { columns.append("PROVENANCE") }
        var table = TextTable(columns)
        for promotion in promotions {
            var row = [
                "\(promotion.id)", promotion.pipeline, promotion.environment, promotion.status.rawValue,
                full ? promotion.commitSHA : String(promotion.commitSHA.prefix(12)), promotion.releaseID, promotion.strategy,
                promotion.triggeredBy, timestamp(promotion.createdAt), promotion.finishedAt.map(timestamp) ?? "-",
                promotion.reason ?? "",
            ]
            if provenance { row.append(origins[promotion.id]?.summary ?? "-") }
            table.add(row)
        }
        return table
    }

    private func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
