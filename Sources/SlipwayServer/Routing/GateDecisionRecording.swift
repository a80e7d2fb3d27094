import Foundation
import SlipwayCore
import SlipwayLedger

/// Records a person's decision at a promotion's gate, for every interface of the server (the
/// API and the web page), as `slipway approve` does against the database.
enum GateDecisionRecording {
    /// The caller was authenticated when the request came in. An API token is checked again
    /// here, locked, so a revocation that commits in between is not outrun; a JWT's expiry is
    /// checked again. The ledger applies the gate's rules
    /// (``LedgerTransaction/recordGateDecision(promotionID:_:decider:)``), records the token or
    /// the outside identity (issuer and subject) with the decision, and NOTIFYs the runner.
    static func record(
        ledger: Ledger, caller: APICaller, promotionID: Int64, verdict: GateDecision.Verdict, comment: String?,
        breakGlassReason: String?
    ) async throws -> RecordedDecision {
        try await ledger.transaction { tx -> RecordedDecision in
            var decider = caller.decider
            if let token = caller.token {
                guard let current = try await tx.token(id: token.id, locking: true), current.state(at: Date()) == "active" else {
                    throw LedgerError(.unauthenticated, "token \(token.id) (\(token.user)) was revoked or expired just now; ask for a new one")
                }
                decider = GateDecider(token: current)
            } else if let identity = caller.identity {
                guard identity.expiresAt > Date() else {
                    throw LedgerError(.unauthenticated, "\(caller.user)'s token from \(identity.issuer) expired just now; sign in to the identity provider again")
                }
            } else {
                throw LedgerError(.unauthenticated, "deciding at a gate needs an API token or a JWT from the identity provider")
            }
            let decision = GateDecisionRequest(
                user: decider.user, groups: Set(decider.groups), verdict: verdict, comment: comment, breakGlassReason: breakGlassReason,
                email: decider.email
            )
            return try await tx.recordGateDecision(promotionID: promotionID, decision, decider: decider)
        }
    }
}
