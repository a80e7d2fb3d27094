import Foundation
import SlipwayCore
import SlipwayLedger

/// Everything the ledger knows about one promotion, for `GET /api/v1/promotions/{id}`: the
/// promotion, the release it promotes (its run, commit, artifacts with digests, scans, and its
/// promotions to other environments — the ``ReleaseBill`` `slipway release show` prints), the
/// model this promotion put in place, what its gate required, each step with its times and
/// result, the checks among them with their evidence, every approval and rejection, why it
/// was rolled back, and the events whose subject is the promotion.
struct PromotionStory: Encodable, Sendable {
    /// A check the promotion ran (a smoke, drift or analysis step) and what it found.
    struct Check: Encodable, Sendable {
        var step: Int
        var kind: String
        var name: String
        var status: StepStatus
        var startedAt: Date?
        var finishedAt: Date?
        /// The step's result: the requests and answers, samples or comparisons it judged on.
        var evidence: JSONValue?
        /// What it waited for or why it failed.
        var note: String?
    }

    /// An event of the hash chain, with its payload as JSON.
    struct Event: Encodable, Sendable {
        var seq: Int64
        var occurredAt: Date
        var actor: String
        var kind: String
        var subject: String
        var payload: JSONValue
        var hash: String
        var prevHash: String

        init(_ event: LedgerEvent) {
            seq = event.seq
            occurredAt = event.occurredAt
            actor = event.actor
            kind = event.kind
            subject = event.subject
            payload = (try? JSONDecoder().decode(JSONValue.self, from: Data(event.payload.utf8))) ?? .string(event.payload)
            hash = event.hash
            prevHash = event.prevHash
        }
    }

    var promotion: PromotionRecord
    /// The model this promotion's model step put in place, when it did.
    var model: ReleaseBill.Model?
    var release: ReleaseBill
    /// What the gate required (after which stage, approvals, freeze windows, break glass), as
    /// the specs at the release's commit said; absent when the promotion has no gate or has not
    /// reached it.
    var gateRequirements: JSONValue?
    var steps: [StepRecord]
    var checks: [Check]
    /// Oldest first; a break-glass approval has `breakGlass` and its `reason`.
    var approvals: [ApprovalRecord]
    /// Why the promotion was rolled back (its reason), when it was.
    var rollbackCause: String?
    /// Oldest first.
    var events: [Event]

    /// The step kinds that are checks.
    static let checkKinds: Set<String> = [StepKind.smoke.rawValue, StepKind.drift.rawValue, StepKind.analysis.rawValue]

    /// The story of promotion `id`; nil when there is no such promotion.
    static func read(id: Int64, from ledger: Ledger) async throws -> PromotionStory? {
        let parts = try await ledger.transaction { tx -> (PromotionRecord, ReleaseBill, JSONValue?, [StepRecord], [ApprovalRecord])? in
            guard let promotion = try await tx.promotion(id: id),
                  let release = try await tx.releaseBill(runID: promotion.runID)
            else { return nil }
            return (
                promotion, release, try await tx.gateRequirements(promotionID: id)?.json,
                try await tx.steps(promotionID: id), try await tx.approvals(promotionID: id)
            )
        }
        guard let (promotion, release, requirements, steps, approvals) = parts else { return nil }
        var events: [LedgerEvent] = []
        let batch = 1000
        while true {
            let next = try await ledger.events(afterSeq: events.last?.seq ?? 0, limit: batch, subject: "promotion/\(id)")
            events += next
            if next.count < batch { break }
        }
        let checks = steps.filter { checkKinds.contains($0.kind) }.map { step in
            Check(
                step: step.ordinal, kind: step.kind, name: step.name, status: step.status, startedAt: step.startedAt,
                finishedAt: step.finishedAt, evidence: step.result, note: step.logTail
            )
        }
        return PromotionStory(
            promotion: promotion, model: release.promotions.first(where: { $0.promotion.id == id })?.model, release: release,
            gateRequirements: requirements, steps: steps, checks: checks, approvals: approvals,
            rollbackCause: promotion.status == .rolledBack ? promotion.reason : nil, events: events.map(Event.init)
        )
    }
}
