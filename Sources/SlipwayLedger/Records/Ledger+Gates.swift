import Foundation
import PostgresNIO
import SlipwayCore

/// A promotion waiting at its gate, with what the gate decides on: for `slipway pending`.
public struct WaitingGate: Sendable {
    public var promotion: PromotionRecord
    public var step: StepRecord
    /// Nil until the gate has run once (it records them then).
    public var requirements: GateRequirements?
    public var facts: GateFacts?
    public var approvals: [ApprovalRecord]
}

/// A decision just recorded, and the gate as it stands with it.
public struct RecordedDecision: Sendable {
    public var approval: ApprovalRecord
    public var promotion: PromotionRecord
    public var verdict: GateVerdict
}

extension LedgerTransaction {
    /// Keeps what the promotion's gate requires, the first time its gate runs (a runner that
    /// resumes reads the same specs, so later calls change nothing).
    public func recordGateRequirements(promotionID: Int64, _ requirements: GateRequirements, actor: String) async throws {
        let json = StepRecord.text(requirements.json)
        let inserted = try await query("""
            INSERT INTO gates (promotion_id, requirements, recorded_at) VALUES (\(promotionID), \(json)::jsonb, \(now()))
            ON CONFLICT (promotion_id) DO NOTHING RETURNING promotion_id
            """)
        for try await _ in inserted {
            try await appendEvent(NewEvent(
                actor: actor, kind: "gate.requirements", subject: "promotion/\(promotionID)", payload: requirements.json
            ))
        }
    }

    /// What the promotion's gate requires, as its first run recorded it — only when the chain
    /// recorded exactly these requirements (a `gate.requirements` event, signed when the ledger
    /// has a key): a row written beforehand by SQL to weaken the gate is not read (``unboundFacts``
    /// reports it), and the gate then stays closed to decisions.
    public func gateRequirements(promotionID: Int64) async throws -> GateRequirements? {
        var recorded: JSONValue?
        for try await text in try await query("SELECT requirements::text FROM gates WHERE promotion_id = \(promotionID)").decode(String.self) {
            recorded = try StepRecord.json(text)
        }
        guard let recorded else { return nil }
        guard let requirements = GateRequirements(json: recorded) else {
            throw LedgerError(.query, "the gate requirements of promotion \(promotionID) cannot be read")
        }
        var events: [(Int64, String)] = []
        for try await event in try await query("""
            SELECT seq, payload FROM events WHERE subject = \("promotion/\(promotionID)") AND kind = 'gate.requirements' ORDER BY seq
            """).decode((Int64, String).self) {
            events.append(event)
        }
        for (seq, payload) in events where try StepRecord.json(payload) == recorded {
            if try await isSignedOrBeforeCheckpoints(seq: seq) { return requirements }
        }
        return nil
    }

    /// The exact release the promotion promotes: its commit, the digests of its run's artifacts,
    /// and the model digest its model step recorded — or, before that step ran, the one the
    /// earlier stage `after` recorded for the same run.
    public func releaseBinding(of promotion: PromotionRecord, after: String?) async throws -> ReleaseBinding {
        var artifacts: [String: String] = [:]
        for artifact in try await self.artifacts(runID: promotion.runID) { artifacts[artifact.name] = artifact.digest }
        var model = try await modelDigest(promotionID: promotion.id)
        if model == nil, let after, let earlier = try await self.promotion(runID: promotion.runID, environment: after) {
            model = try await modelDigest(promotionID: earlier.id)
        }
        return ReleaseBinding(commitSHA: promotion.commitSHA, artifacts: artifacts, modelDigest: model)
    }

    private func modelDigest(promotionID: Int64) async throws -> String? {
        let rows = try await query("""
            SELECT s.result->>'digest' FROM promotion_steps s
            WHERE s.promotion_id = \(promotionID) AND s.kind = 'model' AND s.status = 'succeeded'
            ORDER BY s.ordinal DESC LIMIT 1
            """)
        for try await digest in rows.decode(String?.self) { return digest }
        return nil
    }

    /// Everything the promotion's gate decides on, read now.
    public func gateFacts(promotionID: Int64, requirements: GateRequirements) async throws -> GateFacts {
        guard let promotion = try await promotion(id: promotionID) else {
            throw LedgerError(.notFound, "there is no promotion \(promotionID)")
        }
        let run = try await self.run(id: promotion.runID)
        var succeededAt: Date?
        if let after = requirements.afterStage, let earlier = try await self.promotion(runID: promotion.runID, environment: after),
           earlier.status == .succeeded {
            // Bound to the chain too: the earlier stage counts as succeeded, and its soak runs
            // from, the event that recorded its success, not a status or time a row says.
            succeededAt = try await recordedSuccess(ofPromotion: earlier.id)
        }
        // Only decisions the chain records count; the others are reported, never weighed.
        let approvals = try await boundApprovals(promotionID: promotionID)
        var facts = GateFacts(
            previousStageSucceededAt: succeededAt,
            release: try await releaseBinding(of: promotion, after: requirements.afterStage),
            commitAuthor: run?.commitAuthor, triggeredBy: run?.triggeredBy,
            decisions: approvals.bound.map(\.decision)
        )
        facts.unboundDecisions = approvals.unbound.map(\.summary)
        return facts
    }

    /// When the event chain recorded promotion `id`'s success: the first such event that is
    /// signed (covered by a checkpoint of this ledger's key, or before the first checkpoint). Nil
    /// when no such event says it succeeded — one appended by SQL without the key does not count.
    func recordedSuccess(ofPromotion id: Int64) async throws -> Date? {
        let rows = try await query("""
            SELECT seq, occurred_at FROM events
            WHERE subject = \("promotion/\(id)") AND kind = 'promotion.status' AND payload::jsonb->>'to' = 'succeeded'
            ORDER BY seq
            """)
        var candidates: [(seq: Int64, at: Date)] = []
        for try await (seq, at) in rows.decode((Int64, Date).self) { candidates.append((seq, at)) }
        for candidate in candidates {
            if try await isSignedOrBeforeCheckpoints(seq: candidate.seq) { return candidate.at }
        }
        if !candidates.isEmpty {
            logger.warning("ignoring promotion successes no signed checkpoint covers", metadata: [
                "promotion": "\(id)", "events": "\(candidates.map(\.seq))",
            ])
        }
        return nil
    }

    /// Records `request` about promotion `promotionID`'s gate, made with `token`
    /// (``recordGateDecision(promotionID:_:decider:)`` with the token's person).
    public func recordGateDecision(
        promotionID: Int64, _ request: GateDecisionRequest, token: APITokenRecord
    ) async throws -> RecordedDecision {
        try await recordGateDecision(promotionID: promotionID, request, decider: GateDecider(token: token))
    }

    /// Records `request` about promotion `promotionID`'s gate, made by `decider` (an API token's
    /// person or an outside identity), if the gate's rules allow it (otherwise `.forbidden`,
    /// saying why), and tells every runner listening on ``Ledger/gateChannel`` — when this
    /// transaction commits — so the gate moves at once. A promotion under way (its gate
    /// succeeded) takes only a break-glass approval, which lifts a freeze window holding its
    /// traffic; any other decision about it is `.conflict`.
    public func recordGateDecision(
        promotionID: Int64, _ request: GateDecisionRequest, decider: GateDecider
    ) async throws -> RecordedDecision {
        var locked: PromotionRecord?
        for try await row in try await query("SELECT \(unescaped: PromotionRecord.columns) FROM promotions p WHERE p.id = \(promotionID) FOR UPDATE") {
            locked = try PromotionRecord(row: row)
        }
        guard let promotion = locked else {
            throw LedgerError(.notFound, "there is no promotion \(promotionID); `slipway pending` lists those waiting at a gate")
        }
        let what = "promotion \(promotionID) (\(promotion.releaseID) to \(promotion.environment))"
        // Past its gate, only breaking glass is still possible: a freeze window that began after
        // the gate opened holds the promotion's traffic moves (FreezeHold) until someone of the
        // break-glass groups lifts it for this occurrence of the window.
        let breakingGlassMidway = promotion.status == .progressing && request.verdict == .approved && request.breakGlassReason != nil
        switch promotion.status {
        case .pending, .waiting: break
        case .progressing where breakingGlassMidway: break
        case .progressing:
            throw LedgerError(.conflict, "\(what) has passed its gate and is under way; it is too late to decide (only breaking glass, with a reason, can still lift a freeze window that holds its traffic)")
        default: throw LedgerError(.conflict, "\(what) is \(promotion.status.rawValue); there is nothing to decide")
        }
        guard let gate = try await steps(promotionID: promotionID).first(where: { $0.kind == StepKind.gate.rawValue }) else {
            throw LedgerError(.conflict, "\(what) has no gate to decide at")
        }
        if breakingGlassMidway {
            guard gate.status == .succeeded else {
                throw LedgerError(.conflict, "\(what) is under way but its gate \(gate.status.rawValue); there is no freeze to break for it")
            }
        } else if gate.status.isFinished {
            throw LedgerError(.conflict, "\(what) is past its gate (\(gate.status.rawValue)); it is too late to decide")
        }
        guard let requirements = try await gateRequirements(promotionID: promotionID) else {
            throw LedgerError(.conflict, "\(what) has not reached its gate yet; try again when `slipway pending` lists it")
        }
        let facts = try await gateFacts(promotionID: promotionID, requirements: requirements)
        let at = now()
        let request = GateDecisionRequest(
            user: decider.user, groups: Set(decider.groups), verdict: request.verdict, comment: request.comment,
            breakGlassReason: request.breakGlassReason, email: decider.email
        )
        if let refusal = requirements.refusal(of: request, facts: facts, at: at) {
            // Which policy version decided, when the gate's rules name one.
            throw LedgerError(.forbidden, "\(what): \(refusal)" + (requirements.policyVersion.map { " [rules: \($0)]" } ?? ""))
        }
        let expiresAt = request.verdict == .approved ? requirements.approvals?.expiry(ofApprovalAt: at) : nil
        let approval = try await insertBoundApproval(
            promotionID: promotionID, request: request, decider: decider, release: facts.release, at: at, expiresAt: expiresAt
        )
        try await query("SELECT pg_notify(\(Ledger.gateChannel), \(String(promotionID)))")
        var decided = facts
        decided.decisions.append(approval.decision)
        return RecordedDecision(approval: approval, promotion: promotion, verdict: requirements.evaluate(decided, at: at))
    }

    /// Promotions whose next step is a gate that is under way, oldest first, with what their
    /// gates decide on.
    public func waitingGates() async throws -> [WaitingGate] {
        var gates: [WaitingGate] = []
        for promotion in try await unfinishedPromotions() where promotion.status != .progressing {
            guard let step = try await steps(promotionID: promotion.id).first(where: { !$0.status.isFinished }),
                  step.kind == StepKind.gate.rawValue, step.status == .running
            else { continue }
            let requirements = try await gateRequirements(promotionID: promotion.id)
            var facts: GateFacts?
            if let requirements { facts = try await gateFacts(promotionID: promotion.id, requirements: requirements) }
            gates.append(WaitingGate(
                promotion: promotion, step: step, requirements: requirements, facts: facts,
                approvals: try await approvals(promotionID: promotion.id)
            ))
        }
        return gates
    }
}
