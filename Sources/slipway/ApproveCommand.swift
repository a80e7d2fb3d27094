import ArgumentParser
import Foundation
import SlipwayCore

struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve a promotion waiting at its gate, as the person your API token names.",
        discussion: """
            The approval binds to the exact release (commit, artifact digests, model digest): a newer release needs \
            approvals of its own. It counts when you are one of the environment's approvers and, under \
            forbidSelfApproval, neither wrote the commit nor started the run; one person counts once; it expires after \
            the policy's expiresAfter. A runner waiting at the gate moves on within a second of the deciding approval.

            During a freeze window, --break-glass --reason overrides the freeze if your token is in one of the \
            environment's breakGlass groups; it is recorded as such. `slipway pending` lists what waits.

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

    @Option(name: .long, help: "A note for the ledger.")
    var comment: String?

    @Flag(name: .long, help: "Override a freeze window (needs --reason, and a token in one of the environment's breakGlass groups).")
    var breakGlass = false

    @Option(name: .long, help: "Why the release cannot wait for the freeze window to end (with --break-glass).")
    var reason: String?

    func validate() throws {
        if breakGlass, (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("--break-glass needs --reason saying why the release cannot wait for the freeze to end")
        }
        if !breakGlass, reason != nil {
            throw ValidationError("--reason goes with --break-glass; for a note, use --comment")
        }
    }

    func run() async throws {
        try await runReportingFailures {
            try await GateDecisionRecorder.record(
                promotionID: promotion, verdict: .approved, comment: comment, breakGlassReason: breakGlass ? reason : nil,
                token: caller, server: server, global: global
            )
        }
    }
}
