import Foundation
import PostgresNIO
import SlipwayCore

/// A step of a promotion as the ledger holds it.
public struct StepRecord: Sendable, Equatable, Codable {
    public var id: Int64
    public var promotionID: Int64
    public var ordinal: Int
    public var kind: String
    public var name: String
    public var status: StepStatus
    /// Attempts started so far.
    public var attempt: Int
    public var config: JSONValue
    public var result: JSONValue?
    /// What the step is waiting for, or why it failed (the last lines a person needs).
    public var logTail: String?
    /// When a running step should be tried again.
    public var retryAfter: Date?
    public var startedAt: Date?
    public var finishedAt: Date?

    static let columns = """
        s.id, s.promotion_id, s.ordinal, s.kind, s.name, s.status, s.attempt, s.config::text, s.result::text, \
        s.log_tail, s.retry_after, s.started_at, s.finished_at
        """

    init(row: PostgresRow) throws {
        let (id, promotion, ordinal, kind, name, status, attempt, config, result, tail, retry, started, finished) = try row.decode(
            (Int64, Int64, Int32, String, String, String, Int32, String, String?, String?, Date?, Date?, Date?).self
        )
        self.id = id
        self.promotionID = promotion
        self.ordinal = Int(ordinal)
        self.kind = kind
        self.name = name
        self.status = StepStatus(rawValue: status) ?? .pending
        self.attempt = Int(attempt)
        self.config = try StepRecord.json(config)
        self.result = try result.map(StepRecord.json)
        self.logTail = tail
        self.retryAfter = retry
        self.startedAt = started
        self.finishedAt = finished
    }

    static func json(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    static func text(_ value: JSONValue) -> String {
        EventChain.canonicalJSON(value)
    }
}

extension LedgerTransaction {
    /// Records a promotion's planned steps once; a second call (a resumed runner) returns the
    /// steps already recorded and writes nothing.
    public func planSteps(promotionID: Int64, _ steps: [PlannedStep], actor: String) async throws -> [StepRecord] {
        let existing = try await self.steps(promotionID: promotionID)
        guard existing.isEmpty else { return existing }
        for (ordinal, step) in steps.enumerated() {
            try await query("""
                INSERT INTO promotion_steps (promotion_id, ordinal, kind, name, config)
                VALUES (\(promotionID), \(Int32(ordinal + 1)), \(step.kind.rawValue), \(step.name), \(StepRecord.text(step.config))::jsonb)
                """)
        }
        try await appendEvent(NewEvent(
            actor: actor, kind: "promotion.planned", subject: "promotion/\(promotionID)",
            payload: .object(["steps": .array(steps.map { .string("\($0.kind.rawValue): \($0.name)") })])
        ))
        return try await self.steps(promotionID: promotionID)
    }

    /// A promotion's steps in order.
    public func steps(promotionID: Int64) async throws -> [StepRecord] {
        var records: [StepRecord] = []
        let rows = try await query("""
            SELECT \(unescaped: StepRecord.columns) FROM promotion_steps s
            WHERE s.promotion_id = \(promotionID) ORDER BY s.ordinal
            """)
        for try await row in rows { records.append(try StepRecord(row: row)) }
        return records
    }

    /// Marks a step running for a new attempt, before the attempt's effect starts.
    public func startStep(id: Int64, actor: String) async throws -> StepRecord {
        let step = try await lockedStep(id)
        guard !step.status.isFinished else {
            throw LedgerError(.conflict, "step \(id) (\(step.name)) is \(step.status.rawValue) and cannot run again")
        }
        let updated = try await updateStep("""
            UPDATE promotion_steps AS s SET status = 'running', attempt = s.attempt + 1, retry_after = NULL,
                started_at = COALESCE(s.started_at, \(now()))
            WHERE s.id = \(id) RETURNING \(unescaped: StepRecord.columns)
            """)
        try await appendEvent(NewEvent(
            actor: actor, kind: "step.started", subject: "promotion/\(step.promotionID)",
            payload: .object([
                "step": .number(Double(step.ordinal)), "kind": .string(step.kind), "name": .string(step.name),
                "attempt": .number(Double(updated.attempt)),
            ])
        ))
        return updated
    }

    /// Records that a running step waits: it is tried again after `retryAfter`. An event is
    /// written only when what it waits for (`note`) changes, so a long pause is one event.
    public func deferStep(id: Int64, retryAfter: Date, note: String, actor: String) async throws -> StepRecord {
        let step = try await lockedStep(id)
        // Finished meanwhile by someone else (`slipway promote`, `slipway abort`): their note stays.
        guard !step.status.isFinished else { return step }
        let updated = try await updateStep("""
            UPDATE promotion_steps AS s SET retry_after = \(retryAfter), log_tail = \(note)
            WHERE s.id = \(id) RETURNING \(unescaped: StepRecord.columns)
            """)
        if step.logTail != note {
            try await appendEvent(NewEvent(
                actor: actor, kind: "step.waiting", subject: "promotion/\(step.promotionID)",
                payload: .object(["step": .number(Double(step.ordinal)), "name": .string(step.name), "note": .string(note)])
            ))
        }
        return updated
    }

    /// Finishes a step as succeeded, failed or skipped, keeping `result` as its evidence.
    public func finishStep(
        id: Int64, status: StepStatus, result: JSONValue?, note: String? = nil, actor: String
    ) async throws -> StepRecord {
        guard status.isFinished else { throw LedgerError(.conflict, "a step cannot finish as \(status.rawValue)") }
        let step = try await lockedStep(id)
        guard !step.status.isFinished else {
            throw LedgerError(.conflict, "step \(id) (\(step.name)) is already \(step.status.rawValue)")
        }
        let resultText = result.map(StepRecord.text)
        let updated = try await updateStep("""
            UPDATE promotion_steps AS s SET status = \(status.rawValue), result = \(resultText)::jsonb,
                log_tail = COALESCE(\(note), s.log_tail), retry_after = NULL, finished_at = \(now())
            WHERE s.id = \(id) RETURNING \(unescaped: StepRecord.columns)
            """)
        var payload: [String: JSONValue] = [
            "step": .number(Double(step.ordinal)), "kind": .string(step.kind), "name": .string(step.name),
            "status": .string(status.rawValue),
        ]
        if let note { payload["note"] = .string(note) }
        if let result { payload["result"] = result }
        try await appendEvent(NewEvent(actor: actor, kind: "step.finished", subject: "promotion/\(step.promotionID)", payload: .object(payload)))
        return updated
    }

    /// Finishes every step of the promotion not finished yet as skipped, with `note`. The steps
    /// are locked first, so one that another runner (`slipway promote`) finishes at the same
    /// moment is either finished by it or skipped here, never both.
    public func skipUnfinishedSteps(promotionID: Int64, note: String, actor: String) async throws {
        var unfinished: [Int64] = []
        for try await row in try await query("""
            SELECT \(unescaped: StepRecord.columns) FROM promotion_steps s
            WHERE s.promotion_id = \(promotionID) ORDER BY s.ordinal FOR UPDATE
            """) {
            let step = try StepRecord(row: row)
            if !step.status.isFinished { unfinished.append(step.id) }
        }
        for id in unfinished {
            _ = try await finishStep(id: id, status: .skipped, result: nil, note: note, actor: actor)
        }
    }

    private func lockedStep(_ id: Int64) async throws -> StepRecord {
        for try await row in try await query("SELECT \(unescaped: StepRecord.columns) FROM promotion_steps s WHERE s.id = \(id) FOR UPDATE") {
            return try StepRecord(row: row)
        }
        throw LedgerError(.notFound, "there is no promotion step \(id)")
    }

    private func updateStep(_ statement: PostgresQuery) async throws -> StepRecord {
        for try await row in try await query(statement) { return try StepRecord(row: row) }
        throw LedgerError(.notFound, "the promotion step was not updated")
    }
}
