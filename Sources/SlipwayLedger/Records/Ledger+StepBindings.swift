import PostgresNIO

extension LedgerTransaction {
    /// Whether the event chain records that `step` finished with the status its row says: a
    /// `step.finished` event of its promotion naming its ordinal and that status, covered by a
    /// signed checkpoint when the ledger has a key. A row changed by SQL — a gate marked
    /// succeeded to skip its approvals — has no such event, and a runner does not trust it.
    public func isRecordedFinish(of step: StepRecord) async throws -> Bool {
        let rows = try await query("""
            SELECT seq FROM events
            WHERE subject = \("promotion/\(step.promotionID)") AND kind = 'step.finished'
              AND (payload::jsonb->>'step')::bigint = \(Int64(step.ordinal)) AND payload::jsonb->>'status' = \(step.status.rawValue)
            ORDER BY seq
            """)
        var candidates: [Int64] = []
        for try await seq in rows.decode(Int64.self) { candidates.append(seq) }
        for seq in candidates where try await isSignedOrBeforeCheckpoints(seq: seq) { return true }
        return false
    }
}
