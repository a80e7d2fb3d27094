import ArgumentParser
import Foundation
import SlipwayEngine

struct AbortCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abort",
        abstract: "Stop an environment's promotion under way: traffic goes back to the stable release.",
        discussion: """
            Records the promotion's current step as failed, "aborted by ACTOR: REASON". The runner driving it sees \
            that at its next check (a pause looks every 5 s, an analysis at each sample, other steps when their work \
            ends) and rolls traffic back to the stable release, as for any failed step; a promotion still waiting at \
            its gate fails with nothing moved. One already retiring the previous release is refused (use `slipway \
            rollback`). \
            If no runner drives it any more, the next `slipway run` or `watch` that resumes the run rolls it back. \
            `slipway status --env ENV` shows the outcome; `slipway rollback` moves a finished release back instead.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "The environment whose promotion to stop.")
    var env: String

    @Option(name: .long, help: "The promotion, when more than one is unfinished in the environment.")
    var promotion: Int64?

    @Option(name: .long, help: "Why, for the ledger.")
    var reason: String

    @Option(name: .long, help: "Who aborts, for the ledger (default: $USER).")
    var actor: String?

    func run() async throws {
        try await runReportingFailures {
            let who = CurrentUser.name(or: actor)
            let aborted = try await DatabaseSource.withLedger(global) { ledger in
                try await PromotionAbort(ledger: ledger, actor: who).abort(environment: env, promotionID: promotion, reason: reason)
            }
            let what = "promotion \(aborted.promotion.id) (\(aborted.promotion.releaseID) to \(env))"
            if let step = aborted.step {
                print("\(what): aborted by \(who) at step \(step.ordinal), \(step.name); its runner rolls traffic back at its next check")
            } else {
                print("\(what): aborted by \(who) before it started; nothing had moved")
            }
        }
    }
}
