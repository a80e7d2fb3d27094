import Foundation
import PostgresNIO
import SlipwayCore

/// A promotion as the ledger holds it: one release into one environment.
public struct PromotionRecord: Sendable, Equatable, Codable {
    public var id: Int64
    public var runID: Int64
    public var pipeline: String
    public var environment: String
    public var commitSHA: String
    public var releaseID: String
    public var strategy: String
    public var status: PromotionStatus
    public var triggeredBy: String
    public var reason: String?
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?

    static let columns = """
        p.id, p.run_id, p.pipeline, p.environment, p.commit_sha, p.release_id, p.strategy, p.status, \
        p.triggered_by, p.reason, p.created_at, p.started_at, p.finished_at
        """

    init(row: PostgresRow) throws {
        let (id, runID, pipeline, environment, commit, release, strategy, status, triggeredBy, reason, created, started, finished) =
            try row.decode((Int64, Int64, String, String, String, String, String, String, String, String?, Date, Date?, Date?).self)
        self.id = id
        self.runID = runID
        self.pipeline = pipeline
        self.environment = environment
        self.commitSHA = commit
        self.releaseID = release
        self.strategy = strategy
        self.status = PromotionStatus(rawValue: status) ?? .pending
        self.triggeredBy = triggeredBy
        self.reason = reason
        self.createdAt = created
        self.startedAt = started
        self.finishedAt = finished
    }
}

extension LedgerTransaction {
    /// Records a promotion of a run's release into an environment, with its event.
    public func createPromotion(
        run: RunRecord, environment: String, releaseID: String, strategy: String, actor: String
    ) async throws -> PromotionRecord {
        let rows = try await query("""
            INSERT INTO promotions AS p (run_id, pipeline, environment, commit_sha, release_id, strategy, triggered_by)
            VALUES (\(run.id), \(run.pipeline), \(environment), \(run.commitSHA), \(releaseID), \(strategy), \(actor))
            RETURNING \(unescaped: PromotionRecord.columns)
            """)
        for try await row in rows {
            let record = try PromotionRecord(row: row)
            try await appendEvent(NewEvent(
                actor: actor, kind: "promotion.created", subject: "promotion/\(record.id)",
                payload: .object([
                    "run": .number(Double(run.id)), "pipeline": .string(run.pipeline), "environment": .string(environment),
                    "commit": .string(run.commitSHA), "release": .string(releaseID), "strategy": .string(strategy),
                ])
            ))
            return record
        }
        throw LedgerError(.query, "the promotion of run \(run.id) to \(environment) was not recorded")
    }

    public func promotion(id: Int64) async throws -> PromotionRecord? {
        for try await row in try await query("SELECT \(unescaped: PromotionRecord.columns) FROM promotions p WHERE p.id = \(id)") {
            return try PromotionRecord(row: row)
        }
        return nil
    }

    /// Moves a promotion to `status`, refusing moves its state machine does not allow,
    /// and records who moved it and why.
    @discardableResult
    public func movePromotion(id: Int64, to status: PromotionStatus, actor: String, reason: String? = nil) async throws -> PromotionRecord {
        let rows = try await query("SELECT \(unescaped: PromotionRecord.columns) FROM promotions p WHERE p.id = \(id) FOR UPDATE")
        var current: PromotionRecord?
        for try await row in rows { current = try PromotionRecord(row: row) }
        guard let current else { throw LedgerError(.notFound, "there is no promotion \(id)") }
        guard current.status.canMove(to: status) else {
            throw LedgerError(.conflict, "promotion \(id) is \(current.status.rawValue) and cannot become \(status.rawValue)")
        }
        let updated = try await query("""
            UPDATE promotions AS p SET status = \(status.rawValue), reason = COALESCE(\(reason), p.reason),
                started_at = CASE WHEN \(status.rawValue) = 'progressing' THEN now() ELSE p.started_at END,
                finished_at = CASE WHEN \(status.isFinished) THEN now() ELSE p.finished_at END
            WHERE p.id = \(id)
            RETURNING \(unescaped: PromotionRecord.columns)
            """)
        for try await row in updated {
            var payload: [String: JSONValue] = ["from": .string(current.status.rawValue), "to": .string(status.rawValue)]
            if let reason { payload["reason"] = .string(reason) }
            try await appendEvent(NewEvent(actor: actor, kind: "promotion.status", subject: "promotion/\(id)", payload: .object(payload)))
            return try PromotionRecord(row: row)
        }
        throw LedgerError(.notFound, "there is no promotion \(id)")
    }
}

extension LedgerTransaction {
    /// The promotion of `runID` to `environment`, if there is one.
    public func promotion(runID: Int64, environment: String) async throws -> PromotionRecord? {
        let rows = try await query("""
            SELECT \(unescaped: PromotionRecord.columns) FROM promotions p
            WHERE p.run_id = \(runID) AND p.environment = \(environment)
            """)
        for try await row in rows { return try PromotionRecord(row: row) }
        return nil
    }

    /// Promotions not finished yet, oldest first (optionally in one environment).
    public func unfinishedPromotions(environment: String? = nil) async throws -> [PromotionRecord] {
        var records: [PromotionRecord] = []
        let rows = try await query("""
            SELECT \(unescaped: PromotionRecord.columns) FROM promotions p
            WHERE p.status IN ('pending', 'waiting', 'progressing') AND (\(environment)::text IS NULL OR p.environment = \(environment))
            ORDER BY p.id
            """)
        for try await row in rows { records.append(try PromotionRecord(row: row)) }
        return records
    }
}

extension LedgerTransaction {
    /// The recent promotions of `pipeline` to `environment` by other runs of the same branch
    /// that could supersede the promotion of `runID`: waiting for the environment (pending or at
    /// their gate), moving traffic, or already live (succeeded), newest first. Which of them is a
    /// newer release is for git to say.
    public func supersedingCandidates(pipeline: String, environment: String, runID: Int64, limit: Int = 20) async throws -> [PromotionRecord] {
        var records: [PromotionRecord] = []
        let rows = try await query("""
            SELECT \(unescaped: PromotionRecord.columns) FROM promotions p JOIN runs r ON r.id = p.run_id
            WHERE p.pipeline = \(pipeline) AND p.environment = \(environment) AND p.run_id <> \(runID)
              AND p.status IN ('pending', 'waiting', 'progressing', 'succeeded')
              AND r.branch = (SELECT branch FROM runs WHERE id = \(runID))
            ORDER BY p.id DESC LIMIT \(limit)
            """)
        for try await row in rows { records.append(try PromotionRecord(row: row)) }
        return records
    }

    /// Promotions to `environment` that succeeded, newest first.
    public func succeededPromotions(environment: String, limit: Int = 50) async throws -> [PromotionRecord] {
        var records: [PromotionRecord] = []
        let rows = try await query("""
            SELECT \(unescaped: PromotionRecord.columns) FROM promotions p
            WHERE p.environment = \(environment) AND p.status = 'succeeded'
            ORDER BY p.id DESC LIMIT \(limit)
            """)
        for try await row in rows { records.append(try PromotionRecord(row: row)) }
        return records
    }
}
