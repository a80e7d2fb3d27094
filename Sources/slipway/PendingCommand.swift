import ArgumentParser
import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayServer

struct PendingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pending",
        abstract: "List the promotions waiting at a gate and what each waits for: soak time, approvals, a freeze window.",
        discussion: """
            Each gate is decided afresh from the ledger now, as its runner would. Approve with `slipway approve ID`. \
            With --server URL (or $SLIPWAY_SERVER) this asks that `slipway serve` (GET /api/v1/pending) with your \
            token, which must be in a reader group (auditors or release-managers); otherwise it reads the ledger \
            directly (--database-url or DATABASE_URL) and needs no token. Both print the same.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var caller: CallerTokenOptions
    @OptionGroup var server: ServerOptions

    @Option(name: .long, help: "table or json.")
    var output: ReportFormat = .table

    func run() async throws {
        try await runReportingFailures {
            let items: [PendingGate]
            if let base = try server.resolved(global) {
                items = try await APIClient(server: base, token: try caller.resolved("reading the pending gates from a server")).pending()
            } else {
                let gates = try await DatabaseSource.withLedger(global) { ledger in
                    try await ledger.transaction { tx in try await tx.waitingGates() }
                }
                let now = Date()
                items = gates.map { PendingGate($0, at: now) }
            }
            if output == .json { return try printJSON(items) }
            guard !items.isEmpty else { return print("no promotion is waiting at a gate") }
            print(items.map(Self.block).joined(separator: "\n\n"))
        }
    }

    /// A promotion as a few lines: what it is, what it waits for, who decided, how to decide.
    static func block(_ item: PendingGate) -> String {
        var lines = ["promotion \(item.promotion): \(item.releaseID) to \(item.environment) (pipeline \(item.pipeline))"]
        if let since = item.waitingSince {
            let waited = Duration.seconds(Int64(max(0, Date().timeIntervalSince(since))))
            lines[0] += ", at its gate for \(SpecDuration.format(waited))"
        }
        if let change = item.policyChange { lines.append("  " + change) }
        lines += item.waitingFor.map { "  " + $0 }
        for ignored in item.ignored ?? [] { lines.append("  ignored (no event in the chain records it): \(ignored)") }
        if let release = item.release { lines.append("  release: \(release.summary)") }
        for decision in item.decisions {
            var line = "  \(decision.breakGlass ? "break glass" : decision.decision) by \(decision.user) at \(TokenListCommand.format(decision.at))"
            if let reason = decision.reason { line += ": \(reason)" } else if let comment = decision.comment { line += ": \(comment)" }
            if decision.decision == GateDecision.Verdict.approved.rawValue, !decision.breakGlass, !decision.counts { line += " (does not count)" }
            lines.append(line)
        }
        if item.gate == "waiting" {
            lines.append("  decide: slipway approve \(item.promotion) [--comment C] | slipway reject \(item.promotion) --comment C")
        }
        return lines.joined(separator: "\n")
    }
}
