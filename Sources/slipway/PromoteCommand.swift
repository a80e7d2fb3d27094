import ArgumentParser
import Foundation
import SlipwayCore
import SlipwayLedger

struct PromoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Let a waiting promotion go on: end the pause or open the approval gate it waits at.",
        discussion: """
            Recorded in the ledger as a manual promotion by --actor. Approval by policy (N of M approvers) arrives \
            with `slipway serve`; until then this is how a gate that needs approval is passed.
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
}
