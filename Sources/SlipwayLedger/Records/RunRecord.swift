import Foundation
import PostgresNIO
import SlipwayCore

/// A run as the ledger holds it: one pipeline at one commit.
public struct RunRecord: Sendable, Equatable, Codable {
    public var id: Int64
    public var pipeline: String
    public var commitSHA: String
    public var branch: String
    public var trigger: RunTrigger
    public var triggeredBy: String
    public var commitAuthor: String?
    public var status: RunStatus
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?

    static let columns = "id, pipeline, commit_sha, branch, trigger, triggered_by, commit_author, status, created_at, started_at, finished_at"

    init(row: PostgresRow) throws {
        let (id, pipeline, commit, branch, trigger, triggeredBy, author, status, created, started, finished) = try row.decode(
            (Int64, String, String, String, String, String, String?, String, Date, Date?, Date?).self
        )
        self.id = id
        self.pipeline = pipeline
        self.commitSHA = commit
        self.branch = branch
        self.trigger = RunTrigger(rawValue: trigger) ?? .manual
        self.triggeredBy = triggeredBy
        self.commitAuthor = author
        self.status = RunStatus(rawValue: status) ?? .pending
        self.createdAt = created
        self.startedAt = started
        self.finishedAt = finished
    }
}

/// What is needed to record a new run.
public struct NewRun: Sendable, Equatable {
    public var pipeline: String
    public var commitSHA: String
    public var branch: String
    public var trigger: RunTrigger
    public var triggeredBy: String
    public var commitAuthor: String?

    public init(pipeline: String, commitSHA: String, branch: String, trigger: RunTrigger, triggeredBy: String, commitAuthor: String? = nil) {
        self.pipeline = pipeline
        self.commitSHA = commitSHA
        self.branch = branch
        self.trigger = trigger
        self.triggeredBy = triggeredBy
        self.commitAuthor = commitAuthor
    }
}

extension LedgerTransaction {
    /// Records the run once: a second call for the same (pipeline, commit) returns
    /// the existing run with `created == false` and writes no event.
    public func createRun(_ newRun: NewRun) async throws -> (run: RunRecord, created: Bool) {
        let inserted = try await query("""
            INSERT INTO runs (pipeline, commit_sha, branch, trigger, triggered_by, commit_author)
            VALUES (\(newRun.pipeline), \(newRun.commitSHA), \(newRun.branch), \(newRun.trigger.rawValue), \(newRun.triggeredBy), \(newRun.commitAuthor))
            ON CONFLICT (pipeline, commit_sha) DO NOTHING
            RETURNING \(unescaped: RunRecord.columns)
            """)
        for try await row in inserted {
            let record = try RunRecord(row: row)
            try await appendEvent(NewEvent(
                actor: newRun.triggeredBy, kind: "run.created", subject: "run/\(record.id)",
                payload: .object([
                    "pipeline": .string(newRun.pipeline), "commit": .string(newRun.commitSHA),
                    "branch": .string(newRun.branch), "trigger": .string(newRun.trigger.rawValue),
                ])
            ))
            return (record, true)
        }
        guard let existing = try await run(pipeline: newRun.pipeline, commitSHA: newRun.commitSHA) else {
            throw LedgerError(.conflict, "run for \(newRun.pipeline) at \(newRun.commitSHA) was neither created nor found")
        }
        return (existing, false)
    }

    public func run(pipeline: String, commitSHA: String) async throws -> RunRecord? {
        let rows = try await query("""
            SELECT \(unescaped: RunRecord.columns) FROM runs WHERE pipeline = \(pipeline) AND commit_sha = \(commitSHA)
            """)
        for try await row in rows { return try RunRecord(row: row) }
        return nil
    }

    public func run(id: Int64) async throws -> RunRecord? {
        for try await row in try await query("SELECT \(unescaped: RunRecord.columns) FROM runs WHERE id = \(id)") {
            return try RunRecord(row: row)
        }
        return nil
    }
}

extension LedgerTransaction {
    /// Moves a run to `status` (with the failure's cause when it failed), recorded as an event.
    @discardableResult
    public func moveRun(id: Int64, to status: RunStatus, failure: String? = nil, actor: String) async throws -> RunRecord {
        let rows = try await query("""
            UPDATE runs SET status = \(status.rawValue), failure = COALESCE(\(failure), failure),
                started_at = CASE WHEN \(status.rawValue) = 'running' THEN COALESCE(started_at, \(now())) ELSE started_at END,
                finished_at = CASE WHEN \(status.isFinished) THEN \(now()) ELSE finished_at END
            WHERE id = \(id)
            RETURNING \(unescaped: RunRecord.columns)
            """)
        for try await row in rows {
            var payload: [String: JSONValue] = ["status": .string(status.rawValue)]
            if let failure { payload["failure"] = .string(failure) }
            try await appendEvent(NewEvent(actor: actor, kind: "run.status", subject: "run/\(id)", payload: .object(payload)))
            return try RunRecord(row: row)
        }
        throw LedgerError(.notFound, "there is no run \(id)")
    }
}

extension LedgerTransaction {
    /// The pipeline's runs that have not finished (pending or running), oldest first.
    public func unfinishedRuns(pipeline: String) async throws -> [RunRecord] {
        var records: [RunRecord] = []
        let rows = try await query("""
            SELECT \(unescaped: RunRecord.columns) FROM runs
            WHERE pipeline = \(pipeline) AND status IN ('pending', 'running') ORDER BY id
            """)
        for try await row in rows { records.append(try RunRecord(row: row)) }
        return records
    }

    /// The pipeline's most recent run, if any.
    public func latestRun(pipeline: String) async throws -> RunRecord? {
        let rows = try await query("""
            SELECT \(unescaped: RunRecord.columns) FROM runs WHERE pipeline = \(pipeline) ORDER BY id DESC LIMIT 1
            """)
        for try await row in rows { return try RunRecord(row: row) }
        return nil
    }
}
