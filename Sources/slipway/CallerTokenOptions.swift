import ArgumentParser
import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayServer

/// Who is deciding: the API token (or, with --server, the identity provider's JWT) given with
/// --token or in SLIPWAY_TOKEN, never a bare name. The CLI sends it as it is; the server decides
/// what it is.
struct CallerTokenOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Your API token (from `slipway token create`), or with --server a JWT from the identity provider. Default: $SLIPWAY_TOKEN, which keeps it out of the process list.",
        valueName: "token"
    ))
    var token: String?

    /// Whether `secret` is a JWT (three dot-separated parts) rather than an API token: only a
    /// server configured with --oidc-issuer can check one.
    static func looksLikeJWT(_ secret: String) -> Bool {
        !secret.hasPrefix("slw_") && secret.split(separator: ".", omittingEmptySubsequences: false).count == 3
    }

    /// The token to present; `purpose` says what needs it (`deciding at a gate needs your API token`).
    func resolved(_ purpose: String = "deciding at a gate") throws -> String {
        if let token, !token.isEmpty { return token }
        if let token = ProcessInfo.processInfo.environment["SLIPWAY_TOKEN"], !token.isEmpty { return token }
        throw CommandError("\(purpose) needs your API token: set SLIPWAY_TOKEN or pass --token (a release manager's comes from `slipway token create`)")
    }
}

/// Records a decision about a promotion's gate as the token's person — through `slipway serve`
/// when a server is named, else in the ledger directly — and prints what happened and how the
/// gate stands now, the same way either way.
enum GateDecisionRecorder {
    static func record(
        promotionID: Int64, verdict: GateDecision.Verdict, comment: String?, breakGlassReason: String?,
        token: CallerTokenOptions, server: ServerOptions, global: GlobalOptions
    ) async throws {
        let secret = try token.resolved()
        let answer: GateDecisionAnswer
        if let base = try server.resolved(global) {
            let body = GateDecisionBody(
                verdict: verdict == .approved ? .approve : .reject, comment: comment, breakGlassReason: breakGlassReason
            )
            answer = try await APIClient(server: base, token: secret).decide(promotionID: promotionID, body)
        } else {
            if CallerTokenOptions.looksLikeJWT(secret) {
                throw CommandError("that token is a JWT from an identity provider, which only `slipway serve` checks: pass --server URL (or set SLIPWAY_SERVER)")
            }
            answer = GateDecisionAnswer(try await DatabaseSource.withLedger(global) { ledger in
                try await ledger.transaction { tx -> RecordedDecision in
                    let caller = try await tx.authenticate(token: secret)
                    let request = GateDecisionRequest(
                        user: caller.user, groups: Set(caller.groups), verdict: verdict, comment: comment, breakGlassReason: breakGlassReason
                    )
                    return try await tx.recordGateDecision(promotionID: promotionID, request, token: caller)
                }
            })
        }
        print(lines(answer).joined(separator: "\n"))
    }

    /// `promotion 7 (model-serve-… to staging): approved by grace: …` and `gate: …`.
    static func lines(_ answer: GateDecisionAnswer) -> [String] {
        let promotion = answer.promotion, approval = answer.approval
        var line = "promotion \(promotion.id) (\(promotion.releaseID) to \(promotion.environment)): "
        switch (approval.verdict, approval.breakGlass) {
        case (.approved, true): line += "freeze overridden by \(approval.user) (break glass): \(approval.reason ?? "")"
        case (.approved, false): line += "approved by \(approval.user)" + (approval.comment.map { ": \($0)" } ?? "")
        case (.rejected, _): line += "rejected by \(approval.user)" + (approval.comment.map { ": \($0)" } ?? "")
        }
        return [line, "gate: " + answer.gate.summary]
    }
}
