import Foundation
import PostgresNIO
import SlipwayCore

/// The approvals of a promotion, split into those bound to the event that recorded them and
/// those that are not (rows no Slipway wrote).
public struct BoundApprovals: Sendable {
    public var bound: [ApprovalRecord]
    public var unbound: [ApprovalRecord]
}

extension ApprovalRecord {
    /// How a report names it.
    var summary: String {
        "approval \(id) of promotion \(promotionID) by \(user) (\(breakGlass ? "break glass" : verdict.rawValue))"
    }
}

extension LedgerTransaction {
    /// The join that binds an approval row to its event: the seq and hash it names, about its
    /// promotion, of an `approval.*` kind, whose payload names the same row, person, decision and
    /// release. Used with `approvals a LEFT JOIN events e ON …`.
    static let approvalEventMatch = """
        e.seq = a.event_seq AND e.hash = a.event_hash AND e.subject = 'promotion/' || a.promotion_id
        AND e.kind LIKE 'approval.%' AND (e.payload::jsonb ->> 'approval') = a.id::text
        AND (e.payload::jsonb ->> 'user') = a.approver AND (e.payload::jsonb ->> 'decision') = a.decision
        AND (e.payload::jsonb ->> 'releaseDigest') = a.release_digest
        AND (e.payload::jsonb ->> 'issuer') IS NOT DISTINCT FROM a.issuer
        AND (e.payload::jsonb ->> 'subject') IS NOT DISTINCT FROM a.subject
        """

    /// Every decision recorded for a promotion, oldest first, split by whether its event is in
    /// the chain. When the ledger has a signing key, a bound approval's event must also be
    /// covered by a checkpoint signed with it (or predate the first checkpoint): an approval and
    /// its event both inserted by SQL, with the database's password but without the key, do not count.
    public func boundApprovals(promotionID: Int64) async throws -> BoundApprovals {
        var result = BoundApprovals(bound: [], unbound: [])
        var eventOf: [Int64: Int64] = [:]
        for try await (id, seq) in try await query("""
            SELECT a.id, e.seq FROM approvals a JOIN events e ON \(unescaped: Self.approvalEventMatch)
            WHERE a.promotion_id = \(promotionID)
            """).decode((Int64, Int64).self) {
            eventOf[id] = seq
        }
        for record in try await approvals(promotionID: promotionID) {
            if let seq = eventOf[record.id], try await isSignedOrBeforeCheckpoints(seq: seq) {
                result.bound.append(record)
            } else {
                result.unbound.append(record)
            }
        }
        if !result.unbound.isEmpty {
            logger.warning("ignoring approvals with no matching event in the chain", metadata: [
                "promotion": "\(promotionID)", "approvals": "\(result.unbound.map(\.id))",
            ])
        }
        return result
    }

    /// Whether event `seq` is covered by a checkpoint this transaction's key signed, or comes
    /// before the first checkpoint (a ledger that appended before it had a key). True when the
    /// transaction has no key to check with.
    func isSignedOrBeforeCheckpoints(seq: Int64) async throws -> Bool {
        guard let key = verifyingKey else { return true }
        var first: Int64?
        for try await value in try await query("SELECT min(first_seq) FROM checkpoints").decode(Int64?.self) { first = value }
        guard let first, seq >= first else { return true }
        return try await isCoveredBySignedCheckpoint(seq: seq, key: key)
    }

    /// Records a decision bound to its event: the event (naming the row's id, taken first from
    /// the sequence, and the decider's token or outside identity) is appended, then the row is
    /// inserted with the event's seq and hash.
    func insertBoundApproval(
        promotionID: Int64, request: GateDecisionRequest, decider: GateDecider, release: ReleaseBinding, at: Date, expiresAt: Date?
    ) async throws -> ApprovalRecord {
        var id: Int64?
        for try await value in try await query("SELECT nextval(pg_get_serial_sequence('approvals', 'id'))").decode(Int64.self) { id = value }
        guard let id else { throw LedgerError(.query, "no id for a new approval of promotion \(promotionID)") }
        let breakGlass = request.breakGlassReason != nil
        var payload: [String: JSONValue] = [
            "approval": .number(Double(id)), "user": .string(decider.user), "groups": .array(decider.groups.sorted().map { .string($0) }),
            "decision": .string(request.verdict.rawValue), "release": release.json, "releaseDigest": .string(release.digest),
            "breakGlass": .bool(breakGlass),
        ]
        if let token = decider.tokenID { payload["token"] = .number(Double(token)) }
        if let issuer = decider.issuer { payload["issuer"] = .string(issuer) }
        if let subject = decider.subject { payload["subject"] = .string(subject) }
        if let email = decider.email { payload["email"] = .string(email) }
        if let comment = request.comment { payload["comment"] = .string(comment) }
        if let reason = request.breakGlassReason { payload["reason"] = .string(reason) }
        let kind = breakGlass ? "approval.break_glass" : "approval.\(request.verdict.rawValue)"
        let event = try await appendEvent(NewEvent(actor: decider.user, kind: kind, subject: "promotion/\(promotionID)", payload: .object(payload)))
        let inserted = try await query("""
            INSERT INTO approvals AS a (id, promotion_id, approver, approver_groups, decision, comment, release, release_digest,
                                        created_at, expires_at, break_glass, reason, token_id, event_seq, event_hash,
                                        issuer, subject, email)
            VALUES (\(id), \(promotionID), \(decider.user), \(decider.groups.sorted()), \(request.verdict.rawValue), \(request.comment),
                    \(StepRecord.text(release.json))::jsonb, \(release.digest), \(at), \(expiresAt),
                    \(breakGlass), \(request.breakGlassReason), \(decider.tokenID), \(event.seq), \(event.hash),
                    \(decider.issuer), \(decider.subject), \(decider.email))
            RETURNING \(unescaped: ApprovalRecord.columns)
            """)
        for try await row in inserted { return try ApprovalRecord(row: row) }
        throw LedgerError(.query, "the decision about promotion \(promotionID) was not recorded")
    }
}

extension Ledger {
    /// Rows Slipway would act on that no event records: approvals without their event, scans
    /// without a `scan.recorded` event saying the same (``LedgerTransaction/scanEventMatch``), artifacts without an `artifact.recorded`
    /// event with the same digest, gate requirements without their `gate.requirements` event,
    /// API tokens without their `token.created` event, policies in effect without their
    /// `policy.*` event. At most `limit` of each kind.
    public func unboundFacts(limit: Int = 100) async throws -> [UnboundFact] {
        try await read("looking for facts no event records") { tx in
            var facts: [UnboundFact] = []
            for try await row in try await tx.query("""
                SELECT \(unescaped: ApprovalRecord.columns) FROM approvals a
                LEFT JOIN events e ON \(unescaped: LedgerTransaction.approvalEventMatch)
                WHERE e.seq IS NULL ORDER BY a.id LIMIT \(limit)
                """) {
                let record = try ApprovalRecord(row: row)
                facts.append(UnboundFact(table: "approvals", id: record.id, summary: record.summary))
            }
            for try await (id, run, name, status) in try await tx.query("""
                SELECT s.id, s.run_id, s.name, s.status FROM scans s
                WHERE NOT EXISTS (SELECT 1 FROM events e WHERE \(unescaped: LedgerTransaction.scanEventMatch))
                ORDER BY s.id LIMIT \(limit)
                """).decode((Int64, Int64, String, String).self) {
                facts.append(UnboundFact(table: "scans", id: id, summary: "scan \(name) of run \(run) (\(status))"))
            }
            for try await (id, run, name, digest) in try await tx.query("""
                SELECT r.id, r.run_id, r.name, r.digest FROM artifacts r
                WHERE NOT EXISTS (
                    SELECT 1 FROM events e WHERE e.subject = 'run/' || r.run_id AND e.kind = 'artifact.recorded'
                    AND (e.payload::jsonb ->> 'name') = r.name AND (e.payload::jsonb ->> 'digest') = r.digest
                ) ORDER BY r.id LIMIT \(limit)
                """).decode((Int64, Int64, String, String).self) {
                facts.append(UnboundFact(table: "artifacts", id: id, summary: "artifact \(name) of run \(run) (\(digest))"))
            }
            for try await promotion in try await tx.query("""
                SELECT g.promotion_id FROM gates g
                WHERE NOT EXISTS (
                    SELECT 1 FROM events e WHERE e.subject = 'promotion/' || g.promotion_id AND e.kind = 'gate.requirements'
                    AND e.payload::jsonb = g.requirements
                ) ORDER BY g.promotion_id LIMIT \(limit)
                """).decode(Int64.self) {
                facts.append(UnboundFact(table: "gates", id: promotion, summary: "the gate requirements of promotion \(promotion)"))
            }
            facts += try await tx.unboundTokens(limit: limit)
            facts += try await tx.unboundPolicies(limit: limit)
            return facts
        }
    }
}
