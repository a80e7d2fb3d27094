import Foundation
import SlipwayCore
import SlipwayLedger

/// What `POST /api/v1/promotions/{id}/approvals` answers (201), and what `slipway approve` and
/// `reject` print from, whether they asked the server or the database: the promotion, the
/// decision as the ledger recorded it, and how the gate stands with it.
public struct GateDecisionAnswer: Codable, Sendable, Equatable {
    public var promotion: PromotionRecord
    public var approval: ApprovalRecord
    public var gate: GateStanding

    public init(_ decided: RecordedDecision) {
        promotion = decided.promotion
        approval = decided.approval
        gate = GateStanding(decided.verdict)
    }
}

/// A gate's verdict said for people and scripts.
public struct GateStanding: Codable, Sendable, Equatable {
    /// `open` (a runner waiting at it moves on), `waiting` or `rejected` (the promotion fails).
    public var state: String
    /// One line: `open; a runner waiting at it moves on within a second (approved by grace)`,
    /// `waiting: approvals: 1 of 2 (needs group release-managers); grace approved`,
    /// `rejected by grace: …; the promotion fails (it moved no traffic)`.
    public var summary: String
    /// What it still waits for, one entry a condition (empty unless `waiting`).
    public var waitingFor: [String]
    /// Whose approvals counted when it opened (empty unless `open`).
    public var approvedBy: [String]

    public init(_ verdict: GateVerdict) {
        switch verdict {
        case .open(let opening):
            state = "open"
            summary = "open; a runner waiting at it moves on within a second"
            if !opening.approvedBy.isEmpty { summary += " (approved by \(opening.approvedBy.joined(separator: ", ")))" }
            waitingFor = []
            approvedBy = opening.approvedBy
        case .waiting(let waits, _):
            state = "waiting"
            waitingFor = waits.map(\.description)
            summary = "waiting: " + waitingFor.joined(separator: " · ")
            approvedBy = []
        case .failed(let rejection):
            state = "rejected"
            summary = "\(rejection); the promotion fails (it moved no traffic)"
            waitingFor = []
            approvedBy = []
        }
    }
}
