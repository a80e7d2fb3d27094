import Foundation
import PostgresNIO
import SlipwayCore
import SlipwaySystem

/// A scan of a run's build, as the ledger holds it: a vulnerability scan judged by its policy, or
/// an SBOM with its package count.
public struct ScanRecord: Sendable, Equatable, Codable {
    /// What was made: a vulnerability scan or an SBOM.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case vulnerabilities, sbom
    }

    /// How the scan came out.
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// No finding fails the policy (for an SBOM: it was made).
        case passed
        /// Findings fail the policy: the run stops before any promotion.
        case failed
        /// The tool is not installed and the entry is `optional: true`.
        case notScanned = "not_scanned"
        /// The scan could not be made or read (the tool failed or timed out, a report is not JSON).
        case error
    }

    public var id: Int64
    public var runID: Int64
    /// The entry's name in the pipeline (`trivy`, `sbom`, or its `name:`).
    public var name: String
    public var kind: Kind
    /// The scanner or SBOM tool: `trivy`, `grype`, `sarif`, `syft`.
    public var tool: String
    public var status: Status
    /// Findings by severity for a vulnerability scan; `packages` (and more) for an SBOM.
    public var counts: JSONValue
    /// One line a person reads.
    public var summary: String
    /// `sha256:` digest of the report (or SBOM) the result was read from.
    public var reportDigest: String?
    /// Where that report is kept.
    public var reportLocation: String?
    /// The policy's whole evaluation (failing, ignored, expired ignores) for a vulnerability scan.
    public var evaluation: JSONValue?
    public var createdAt: Date

    static let columns = """
        id, run_id, name, kind, tool, status, counts::text, summary, report_digest, report_location, evaluation::text, created_at
        """

    init(row: PostgresRow) throws {
        let (id, runID, name, kind, tool, status, counts, summary, digest, location, evaluation, created) = try row.decode(
            (Int64, Int64, String, String, String, String, String, String, String?, String?, String?, Date).self
        )
        self.id = id
        self.runID = runID
        self.name = name
        self.kind = Kind(rawValue: kind) ?? .vulnerabilities
        self.tool = tool
        self.status = Status(rawValue: status) ?? .error
        self.counts = try StepRecord.json(counts)
        self.summary = summary
        self.reportDigest = digest
        self.reportLocation = location
        self.evaluation = try evaluation.map(StepRecord.json)
        self.createdAt = created
    }
}

/// What is needed to record a scan of a run.
public struct NewScan: Sendable, Equatable {
    public var runID: Int64
    public var name: String
    public var kind: ScanRecord.Kind
    public var tool: String
    public var status: ScanRecord.Status
    public var counts: JSONValue
    public var summary: String
    public var reportDigest: String?
    public var reportLocation: String?
    public var evaluation: JSONValue?

    public init(
        runID: Int64, name: String, kind: ScanRecord.Kind, tool: String, status: ScanRecord.Status,
        counts: JSONValue = .object([:]), summary: String, reportDigest: String? = nil, reportLocation: String? = nil,
        evaluation: JSONValue? = nil
    ) {
        self.runID = runID
        self.name = name
        self.kind = kind
        self.tool = tool
        self.status = status
        self.counts = counts
        self.summary = summary
        self.reportDigest = reportDigest
        self.reportLocation = reportLocation
        self.evaluation = evaluation
    }
}

extension LedgerTransaction {
    /// Records a scan of a run, with a `scan.recorded` event in the chain naming the row
    /// (``latestBoundScans(runID:)`` counts only rows so recorded). A scan is never
    /// changed: scanning again (a resumed run) adds a row, unless the run's latest scan of that
    /// name came out the same (status, summary and report digest), which is returned with
    /// `created == false` and no event.
    ///
    /// - Throws: `LedgerError` `.invalidArgument` for a malformed report digest, `.notFound` when
    ///   the run does not exist.
    @discardableResult
    public func recordScan(_ scan: NewScan, actor: String) async throws -> (scan: ScanRecord, created: Bool) {
        if let digest = scan.reportDigest, !FileDigest.isValid(digest) {
            throw LedgerError(.invalidArgument, "scan \(scan.name) of run \(scan.runID): the report digest must be 'sha256:' and 64 lowercase hex digits, found \"\(digest)\"")
        }
        guard try await run(id: scan.runID) != nil else {
            throw LedgerError(.notFound, "cannot record scan \(scan.name): there is no run \(scan.runID) (create the run before building it)")
        }
        if let latest = try await latestScan(runID: scan.runID, name: scan.name),
           latest.status == scan.status, latest.summary == scan.summary, latest.reportDigest == scan.reportDigest {
            return (latest, false)
        }
        let counts = StepRecord.text(scan.counts)
        let evaluation = scan.evaluation.map(StepRecord.text)
        let inserted = try await query("""
            INSERT INTO scans (run_id, name, kind, tool, status, counts, summary, report_digest, report_location, evaluation)
            VALUES (\(scan.runID), \(scan.name), \(scan.kind.rawValue), \(scan.tool), \(scan.status.rawValue), \(counts)::jsonb,
                    \(scan.summary), \(scan.reportDigest), \(scan.reportLocation), \(evaluation)::jsonb)
            RETURNING \(unescaped: ScanRecord.columns)
            """)
        for try await row in inserted {
            let record = try ScanRecord(row: row)
            var payload: [String: JSONValue] = [
                "name": .string(scan.name), "kind": .string(scan.kind.rawValue), "tool": .string(scan.tool),
                "status": .string(scan.status.rawValue), "counts": scan.counts, "summary": .string(scan.summary),
                "scan": .number(Double(record.id)),
            ]
            if let digest = scan.reportDigest { payload["reportDigest"] = .string(digest) }
            try await appendEvent(NewEvent(actor: actor, kind: "scan.recorded", subject: "run/\(scan.runID)", payload: .object(payload)))
            return (record, true)
        }
        throw LedgerError(.conflict, "scan \(scan.name) of run \(scan.runID) was not recorded")
    }

    /// Every scan of a run, oldest first.
    public func scans(runID: Int64) async throws -> [ScanRecord] {
        var records: [ScanRecord] = []
        let rows = try await query("SELECT \(unescaped: ScanRecord.columns) FROM scans WHERE run_id = \(runID) ORDER BY id")
        for try await row in rows { records.append(try ScanRecord(row: row)) }
        return records
    }

    /// The latest scan of each name of a run, by name: what the run's release was judged on.
    public func latestScans(runID: Int64) async throws -> [ScanRecord] {
        var records: [ScanRecord] = []
        let rows = try await query("""
            SELECT DISTINCT ON (name) \(unescaped: ScanRecord.columns) FROM scans WHERE run_id = \(runID) ORDER BY name, id DESC
            """)
        for try await row in rows { records.append(try ScanRecord(row: row)) }
        return records
    }

    /// The latest scan named `name` of a run.
    public func latestScan(runID: Int64, name: String) async throws -> ScanRecord? {
        let rows = try await query("""
            SELECT \(unescaped: ScanRecord.columns) FROM scans WHERE run_id = \(runID) AND name = \(name) ORDER BY id DESC LIMIT 1
            """)
        for try await row in rows { return try ScanRecord(row: row) }
        return nil
    }
}
