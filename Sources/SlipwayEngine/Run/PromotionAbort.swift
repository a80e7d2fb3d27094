import Foundation
import SlipwayCore
import SlipwayLedger

/// `slipway abort`: stops an environment's unfinished promotion by recording its current step
/// as failed, "aborted by WHO: REASON". The runner driving it sees the step finished elsewhere at
/// its next check (as it does for `slipway promote`) and reacts as to any failed step: traffic
/// goes back to the stable release (a promotion still at its gate fails; nothing moved). A
/// promotion whose runner is gone is rolled back by the next `slipway run` or `watch` that
/// resumes it. A promotion not yet planned (queued behind another) ends as failed at once.
public struct PromotionAbort: Sendable {
    public var ledger: Ledger
    public var actor: String

    public init(ledger: Ledger, actor: String) {
        self.ledger = ledger
        self.actor = actor
    }

    /// What was aborted: the promotion, and the step recorded as failed (nil when none was planned).
    public struct Aborted: Sendable {
        public var promotion: PromotionRecord
        public var step: StepRecord?
    }

    /// Aborts the unfinished promotion to `environment` (or the one with id `promotionID`).
    public func abort(environment: String, promotionID: Int64? = nil, reason: String) async throws -> Aborted {
        let note = "aborted by \(actor): \(reason)"
        return try await ledger.transaction { tx -> Aborted in
            var candidates = try await tx.unfinishedPromotions(environment: environment)
            if let promotionID { candidates = candidates.filter { $0.id == promotionID } }
            // One with a failed step is already being stopped: its runner rolls it back.
            var stopping: [PromotionRecord] = []
            var planned: [Int64: [StepRecord]] = [:]
            for candidate in candidates {
                let steps = try await tx.steps(promotionID: candidate.id)
                planned[candidate.id] = steps
                if steps.contains(where: { $0.status == .failed }) { stopping.append(candidate) }
            }
            if let promotionID, let already = stopping.first(where: { $0.id == promotionID }) {
                throw LedgerError(.conflict, "promotion \(already.id) in \(environment) is already stopping (a step failed or was aborted); its runner rolls it back")
            }
            candidates.removeAll { candidate in stopping.contains { $0.id == candidate.id } }
            guard !candidates.isEmpty else {
                let which = promotionID.map { "promotion \($0) is not an unfinished promotion" } ?? "no promotion is under way"
                throw LedgerError(.notFound, "\(which) in \(environment); see `slipway status --env \(environment)`")
            }
            guard candidates.count == 1, let promotion = candidates.first else {
                let list = candidates.map { "\($0.id) (\($0.releaseID), \($0.status.rawValue))" }.joined(separator: ", ")
                throw LedgerError(.conflict, "more than one promotion is unfinished in \(environment): \(list); name one with --promotion ID")
            }
            let steps = planned[promotion.id] ?? []
            if steps.isEmpty {
                // Not planned yet: nothing has run, nothing moved.
                let ended = try await tx.movePromotion(id: promotion.id, to: .failed, actor: actor, reason: note)
                return Aborted(promotion: ended, step: nil)
            }
            guard let step = steps.first(where: { !$0.status.isFinished }) else {
                throw LedgerError(.conflict, """
                    promotion \(promotion.id) (\(promotion.releaseID)) has run all its steps in \(environment); its runner records it \
                    (a stopped one when `slipway run` resumes it). To go back, `slipway rollback --env \(environment)`
                    """)
            }
            if step.kind == StepKind.retire.rawValue {
                throw LedgerError(.conflict, """
                    promotion \(promotion.id) has moved all traffic in \(environment) to \(promotion.releaseID) and passed its checks; \
                    it is only retiring the previous release. To go back, `slipway rollback --env \(environment) --reason …`
                    """)
            }
            let failed = try await tx.finishStep(
                id: step.id, status: .failed, result: .object(["abortedBy": .string(actor)]), note: note, actor: actor
            )
            return Aborted(promotion: promotion, step: failed)
        }
    }
}
