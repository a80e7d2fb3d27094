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

    @Option(name: .long, help: "Who promotes, for the ledger (default: $USER).")
    var actor: String?

    @Option(name: .long, help: "Why, for the ledger.")
    var reason: String?

    func run() async throws {
        try await runReportingFailures {
            let who = CurrentUser.name(or: actor)
            let message = try await DatabaseSource.withLedger(global) { ledger in
                try await ledger.transaction { tx -> String in
                    guard let promotion = try await tx.unfinishedPromotions(environment: env).last else {
                        throw CommandError("no promotion to \(env) is under way")
                    }
                    let steps = try await tx.steps(promotionID: promotion.id)
                    guard let step = steps.first(where: { !$0.status.isFinished }) else {
                        throw CommandError("promotion \(promotion.id) to \(env) has no step left to pass")
                    }
                    guard step.status == .running, step.kind == StepKind.pause.rawValue || step.kind == StepKind.gate.rawValue else {
                        throw CommandError("promotion \(promotion.id) to \(env) is at step \(step.ordinal) (\(step.name)), which is not waiting for a promotion")
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
