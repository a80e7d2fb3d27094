import Foundation
import PostgresNIO
import SlipwayCore

/// A scan counts only as the chain records it: the `scans` row must have its `scan.recorded`
/// event about its run, saying the same name, kind, tool, status, counts, summary and report
/// digest, naming the row's id (events recorded before scans named their row match by content)
/// and, when the ledger has its signing key, covered by a signed checkpoint. A "passed" row
/// inserted with only the database's password satisfies no scan rule.
extension LedgerTransaction {
    /// The join that binds a scan row `s` to its event `e`.
    static let scanEventMatch = """
        e.subject = 'run/' || s.run_id AND e.kind = 'scan.recorded'
        AND (e.payload::jsonb ->> 'name') = s.name AND (e.payload::jsonb ->> 'kind') = s.kind
        AND (e.payload::jsonb ->> 'tool') = s.tool AND (e.payload::jsonb ->> 'status') = s.status
        AND (e.payload::jsonb -> 'counts') = s.counts AND (e.payload::jsonb ->> 'summary') = s.summary
        AND (e.payload::jsonb ->> 'reportDigest') IS NOT DISTINCT FROM s.report_digest
        AND ((e.payload::jsonb ->> 'scan') = s.id::text OR NOT (e.payload::jsonb ? 'scan'))
        """

    /// The latest scan of each name of a run among those bound to their signed event, by name:
    /// what the run's release is judged on. Rows that are not bound are skipped, and logged.
    public func latestBoundScans(runID: Int64) async throws -> [ScanRecord] {
        var eventsOf: [Int64: [Int64]] = [:]
        for try await (id, seq) in try await query("""
            SELECT s.id, e.seq FROM scans s JOIN events e ON \(unescaped: Self.scanEventMatch) WHERE s.run_id = \(runID) ORDER BY s.id, e.seq
            """).decode((Int64, Int64).self) {
            eventsOf[id, default: []].append(seq)
        }
        var latest: [String: ScanRecord] = [:]
        var unbound: [Int64] = []
        for record in try await scans(runID: runID) {
            var bound = false
            for seq in eventsOf[record.id] ?? [] where !bound {
                bound = try await isSignedOrBeforeCheckpoints(seq: seq)
            }
            if bound { latest[record.name] = record } else { unbound.append(record.id) }
        }
        if !unbound.isEmpty {
            logger.warning("ignoring scans with no matching signed event in the chain", metadata: [
                "run": "\(runID)", "scans": "\(unbound)",
            ])
        }
        return latest.values.sorted { $0.name < $1.name }
    }
}
