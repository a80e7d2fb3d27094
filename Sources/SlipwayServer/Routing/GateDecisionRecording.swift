import Foundation
import SlipwayCore
import SlipwayLedger

/// Records a person's decision at a promotion's gate, for every interface of the server (the
/// API and the web page), as `slipway approve` does against the database.
enum GateDecisionRecording {
    /// The token was checked when the request came in; it is checked again here, locked, so a
    /// revocation that commits in between is not outrun. The ledger applies the gate's rules
    /// (``LedgerTransaction/recordGateDecision(promotionID:_:token:)``) and NOTIFYs the runner.
    static func record(
        ledger: Ledger, token: APITokenRecord, promotionID: Int64, verdict: GateDecision.Verdict, comment: String?,
        breakGlassReason: String?
    ) async throws -> RecordedDecision {
        try await ledger.transaction { tx -> RecordedDecision in
            guard let current = try await tx.token(id: token.id, locking: true), current.state(at: Date()) == "active" else {
                throw LedgerError(.unauthenticated, "token \(token.id) (\(token.user)) was revoked or expired just now; ask for a new one")
            }
            let decision = GateDecisionRequest(
                user: current.user, groups: Set(current.groups), verdict: verdict, comment: comment, breakGlassReason: breakGlassReason
            )
            return try await tx.recordGateDecision(promotionID: promotionID, decision, token: current)
        }
    }
}
