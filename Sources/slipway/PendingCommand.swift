import ArgumentParser
import Foundation
import SlipwayCore
import SlipwayLedger

struct PendingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pending",
        abstract: "List the promotions waiting at a gate and what each waits for: soak time, approvals, a freeze window.",
        discussion: """
            Each gate is decided afresh from the ledger now, as its runner would. Approve with `slipway approve ID`. \
            This reads the ledger directly (--database-url or DATABASE_URL); a --server URL mode, through `slipway \
            serve`'s HTTP API, is not available yet.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "table or json.")
    var output: ReportFormat = .table

    struct Item: Encodable {
        struct Decision: Encodable {
            var user: String
            var decision: String
            var at: Date
            var comment: String?
            var breakGlass: Bool
            var reason: String?
            var counts: Bool
        }

        var promotion: Int64
        var pipeline: String
        var environment: String
        var releaseID: String
        var commit: String
        var waitingSince: Date?
        /// `waiting`, `open` (a runner moves it on when it next looks) or `rejected`.
        var gate: String
        var waitingFor: [String]
        var release: ReleaseBinding?
        var releaseDigest: String?
        var decisions: [Decision]
    }

    func run() async throws {
        try await runReportingFailures {
            let gates = try await DatabaseSource.withLedger(global) { ledger in
                try await ledger.transaction { tx in try await tx.waitingGates() }
            }
            let now = Date()
            let items = gates.map { Self.item($0, at: now) }
            if output == .json { return try printJSON(items) }
            guard !items.isEmpty else { return print("no promotion is waiting at a gate") }
            print(items.map(Self.block).joined(separator: "\n\n"))
        }
    }

    static func item(_ gate: WaitingGate, at now: Date) -> Item {
        let promotion = gate.promotion
        var state = "waiting"
        var waitingFor: [String]
        var counted: Set<String> = []
        if let requirements = gate.requirements, let facts = gate.facts {
            counted = Set(requirements.tally(facts, at: now)?.counted ?? [])
            switch requirements.evaluate(facts, at: now) {
            case .waiting(let waits, _):
                waitingFor = waits.map(\.description)
            case .open:
                state = "open"
                waitingFor = ["nothing: the gate opens when its runner next looks (is a `slipway run` or `slipway watch` driving it?)"]
            case .failed(let rejection):
                state = "rejected"
                waitingFor = ["\(rejection); the promotion fails when its runner next looks"]
            }
        } else {
            waitingFor = [gate.step.logTail ?? "the gate has not decided yet"]
        }
        let decisions = gate.approvals.map { approval in
            Item.Decision(
                user: approval.user, decision: approval.verdict.rawValue, at: approval.createdAt, comment: approval.comment,
                breakGlass: approval.breakGlass, reason: approval.reason,
                counts: approval.verdict == .approved && counted.contains(approval.user) && approval.release == gate.facts?.release
            )
        }
        return Item(
            promotion: promotion.id, pipeline: promotion.pipeline, environment: promotion.environment, releaseID: promotion.releaseID,
            commit: promotion.commitSHA, waitingSince: gate.step.startedAt, gate: state, waitingFor: waitingFor,
            release: gate.facts?.release, releaseDigest: gate.facts?.release.digest, decisions: decisions
        )
    }

    /// A promotion as a few lines: what it is, what it waits for, who decided, how to decide.
    static func block(_ item: Item) -> String {
        var lines = ["promotion \(item.promotion): \(item.releaseID) to \(item.environment) (pipeline \(item.pipeline))"]
        if let since = item.waitingSince {
            let waited = Duration.seconds(Int64(max(0, Date().timeIntervalSince(since))))
            lines[0] += ", at its gate for \(SpecDuration.format(waited))"
        }
        lines += item.waitingFor.map { "  " + $0 }
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
