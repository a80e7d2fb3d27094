import ArgumentParser
import Foundation
import SlipwayCore
import SlipwayLedger

/// Who is deciding: the API token given with --token or in SLIPWAY_TOKEN, never a bare name.
struct CallerTokenOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Your API token (from `slipway token create`). Default: $SLIPWAY_TOKEN, which keeps it out of the process list.",
        valueName: "slw_…"
    ))
    var token: String?

    /// The token to present.
    func resolved() throws -> String {
        if let token, !token.isEmpty { return token }
        if let token = ProcessInfo.processInfo.environment["SLIPWAY_TOKEN"], !token.isEmpty { return token }
        throw CommandError("deciding at a gate needs your API token: set SLIPWAY_TOKEN or pass --token (a release manager's comes from `slipway token create`)")
    }
}

/// Records a decision about a promotion's gate as the token's person, and prints what happened
/// and how the gate stands now.
enum GateDecisionRecorder {
    static func record(
        promotionID: Int64, verdict: GateDecision.Verdict, comment: String?, breakGlassReason: String?,
        token: CallerTokenOptions, global: GlobalOptions
    ) async throws {
        let secret = try token.resolved()
        let decided = try await DatabaseSource.withLedger(global) { ledger in
            try await ledger.transaction { tx -> RecordedDecision in
                let caller = try await tx.authenticate(token: secret)
                let request = GateDecisionRequest(
                    user: caller.user, groups: Set(caller.groups), verdict: verdict, comment: comment, breakGlassReason: breakGlassReason
                )
                return try await tx.recordGateDecision(promotionID: promotionID, request, token: caller)
            }
        }
        let promotion = decided.promotion, approval = decided.approval
        var line = "promotion \(promotion.id) (\(promotion.releaseID) to \(promotion.environment)): "
        switch (approval.verdict, approval.breakGlass) {
        case (.approved, true): line += "freeze overridden by \(approval.user) (break glass): \(approval.reason ?? "")"
        case (.approved, false): line += "approved by \(approval.user)" + (approval.comment.map { ": \($0)" } ?? "")
        case (.rejected, _): line += "rejected by \(approval.user)" + (approval.comment.map { ": \($0)" } ?? "")
        }
        print(line)
        print("gate: " + GateVerdictText.describe(decided.verdict))
    }
}

/// How a gate's verdict reads on the command line.
enum GateVerdictText {
    static func describe(_ verdict: GateVerdict) -> String {
        switch verdict {
        case .open(let opening):
            var text = "open; a runner waiting at it moves on within a second"
            if !opening.approvedBy.isEmpty { text += " (approved by \(opening.approvedBy.joined(separator: ", ")))" }
            return text
        case .waiting(let waits, _):
            return "waiting: " + waits.map(\.description).joined(separator: " · ")
        case .failed(let rejection):
            return "\(rejection); the promotion fails (it moved no traffic)"
        }
    }
}
