import ArgumentParser
import Foundation
import SlipwayCore

struct RejectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject",
        abstract: "Reject a promotion waiting at its gate: the promotion fails (it has moved no traffic).",
        discussion: """
            Any one of the environment's approvers may reject (an author too); the comment says why and is kept in the \
            ledger. A runner waiting at the gate fails the promotion within a second.

            With --server URL (or $SLIPWAY_SERVER) this goes through that `slipway serve`'s HTTP API \
            (POST /api/v1/promotions/ID/approvals) with your token; otherwise it writes to the ledger directly \
            (--database-url or DATABASE_URL). Either way the ledger applies the same rules and this prints the same lines.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var caller: CallerTokenOptions
    @OptionGroup var server: ServerOptions

    @Argument(help: "The promotion's id, as `slipway pending` shows it.")
    var promotion: Int64

    @Option(name: .long, help: "Why the release must not go on.")
    var comment: String

    func validate() throws {
        if comment.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("--comment must say why the release is rejected")
        }
    }

    func run() async throws {
        try await runReportingFailures {
            try await GateDecisionRecorder.record(
                promotionID: promotion, verdict: .rejected, comment: comment, breakGlassReason: nil, token: caller, server: server, global: global
            )
        }
    }
}
