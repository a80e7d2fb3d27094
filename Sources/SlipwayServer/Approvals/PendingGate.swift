import Foundation
import SlipwayCore
import SlipwayLedger

/// A promotion waiting at its gate and what the gate waits for, decided afresh from the ledger:
/// one element of `GET /api/v1/pending` and of `slipway pending --output json` (the same shape,
/// so the CLI prints either the same way).
public struct PendingGate: Codable, Sendable, Equatable {
    /// Someone's decision at the gate, and whether it counts towards the approvals.
    public struct Decision: Codable, Sendable, Equatable {
        public var user: String
        /// `approved` or `rejected`.
        public var decision: String
        public var at: Date
        public var comment: String?
        public var breakGlass: Bool
        public var reason: String?
        public var counts: Bool
    }

    public var promotion: Int64
    public var pipeline: String
    public var environment: String
    public var releaseID: String
    public var commit: String
    public var waitingSince: Date?
    /// `waiting`, `open` (a runner moves it on when it next looks) or `rejected`.
    public var gate: String
    public var waitingFor: [String]
    public var release: ReleaseBinding?
    public var releaseDigest: String?
    public var decisions: [Decision]
    /// Which policy version the gate's rules come from (the one in effect, or a bootstrap).
    public var policy: String?
    /// `this release changes prod's policy (against …): field: old → new; …`, when it does.
    public var policyChange: String?
    /// Decisions the ledger holds that no event in the chain records: never counted.
    public var ignored: [String]?

    /// The gate as its runner would decide it at `now`.
    public init(_ gate: WaitingGate, at now: Date) {
        let promotion = gate.promotion
        var state = "waiting"
        var waitingFor: [String]
        var counted: Set<String> = []
        if let requirements = gate.requirements, let facts = gate.facts {
            counted = Set(requirements.tally(facts, at: now)?.counted ?? [])
            switch requirements.evaluate(facts, at: now) {
            case .waiting(let waits, _):
                waitingFor = waits.map(\.description)
            case .open:
                state = "open"
                waitingFor = ["nothing: the gate opens when its runner next looks (is a `slipway run` or `slipway watch` driving it?)"]
            case .failed(let rejection):
                state = "rejected"
                waitingFor = ["\(rejection); the promotion fails when its runner next looks"]
            }
        } else {
            waitingFor = [gate.step.logTail ?? "the gate has not decided yet"]
        }
        self.promotion = promotion.id
        pipeline = promotion.pipeline
        environment = promotion.environment
        releaseID = promotion.releaseID
        commit = promotion.commitSHA
        waitingSince = gate.step.startedAt
        self.gate = state
        self.waitingFor = waitingFor
        release = gate.facts?.release
        releaseDigest = gate.facts?.release.digest
        policy = gate.requirements?.policyVersion
        policyChange = gate.requirements?.policyChange?.summary
        ignored = gate.facts.flatMap { $0.unboundDecisions.isEmpty ? nil : $0.unboundDecisions }
        decisions = gate.approvals.map { approval in
            Decision(
                user: approval.user, decision: approval.verdict.rawValue, at: approval.createdAt, comment: approval.comment,
                breakGlass: approval.breakGlass, reason: approval.reason,
                counts: approval.verdict == .approved && counted.contains(approval.user) && approval.release == gate.facts?.release
            )
        }
    }
}
