import ArgumentParser
import Foundation
import SlipwayCore
import SlipwayLedger

struct PromoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Let a waiting promotion go on: end the pause it waits at, or cut short its gate's soak time.",
        discussion: """
            Recorded in the ledger as a manual promotion by --actor. It does not pass a gate that needs approval (that \
            takes `slipway approve` by the environment's approvers, with their API tokens) nor one held by a freeze \
            window (that takes `slipway approve --break-glass --reason`). `slipway pending` shows what gates wait for.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "The environment whose promotion waits.")
    var env: String

    @Option(name: .long, help: "The promotion, when more than one waits in the environment (see `slipway status`).")
    var promotion: Int64?

    @Option(name: .long, help: "Who promotes, for the ledger (default: $USER).")
    var actor: String?

    @Option(name: .long, help: "Why, for the ledger.")
    var reason: String?

    func run() async throws {
        try await runReportingFailures {
            let who = CurrentUser.name(or: actor)
            let message = try await DatabaseSource.withLedger(global) { ledger in
                try await ledger.transaction { tx -> String in
                    // The promotions whose next step is a running pause or gate: what can be passed.
                    var waiting: [(PromotionRecord, StepRecord)] = []
                    for candidate in try await tx.unfinishedPromotions(environment: env) {
                        if let promotion, candidate.id != promotion { continue }
                        let steps = try await tx.steps(promotionID: candidate.id)
                        if let step = steps.first(where: { !$0.status.isFinished }), step.status == .running,
                           step.kind == StepKind.pause.rawValue || step.kind == StepKind.gate.rawValue {
                            waiting.append((candidate, step))
                        }
                    }
                    guard !waiting.isEmpty else {
                        let which = promotion.map { "promotion \($0)" } ?? "no promotion"
                        throw CommandError("\(which) in \(env) waits at a pause or a gate; see `slipway status --env \(env)`")
                    }
                    guard waiting.count == 1, let (promotion, step) = waiting.first else {
                        let list = waiting.map { "\($0.0.id) (\($0.0.releaseID), \($0.1.name))" }.joined(separator: ", ")
                        throw CommandError("more than one promotion waits in \(env): \(list); name one with --promotion ID")
                    }
                    if step.kind == StepKind.gate.rawValue {
                        try await Self.refuseGateThatNeedsPeople(promotion, step: step, tx: tx)
                    }
                    var note = "promoted by \(who)"
                    if let reason { note += ": \(reason)" }
                    _ = try await tx.finishStep(
                        id: step.id, status: .succeeded, result: .object(["promotedBy": .string(who)]), note: note, actor: who
                    )
                    return "promotion \(promotion.id) (\(promotion.releaseID) to \(env)): \(step.name) passed by \(who)"
                }
            }
            print(message)
        }
    }

    /// A gate that waits for approvals or a freeze window is opened by people with tokens, not by
    /// `promote`: say which command does it. (A LedgerError, so the transaction passes it on as it is.)
    static func refuseGateThatNeedsPeople(_ promotion: PromotionRecord, step: StepRecord, tx: LedgerTransaction) async throws {
        let what = "promotion \(promotion.id) to \(promotion.environment)"
        let requirements = try await tx.gateRequirements(promotionID: promotion.id)
        if requirements?.approvals != nil || (requirements == nil && step.config["approval"] == .bool(true)) {
            throw LedgerError(.forbidden, """
                \(what) waits at its gate for approvals, which `slipway promote` cannot give: an approver approves it with \
                `slipway approve \(promotion.id)` (`slipway pending` shows what it waits for)
                """)
        }
        if let requirements, let window = requirements.activeFreezes(at: Date()).first {
            throw LedgerError(.forbidden, """
                \(what) is held by a freeze window (\(window.summary)); only break glass overrides it: \
                `slipway approve \(promotion.id) --break-glass --reason R` by a member of \
                \(requirements.breakGlass?.groups.joined(separator: ", ") ?? "a breakGlass group (the environment names none)")
                """)
        }
    }
}
