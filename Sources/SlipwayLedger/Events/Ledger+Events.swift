import Foundation
import PostgresNIO
import SlipwayCore

extension LedgerTransaction {
    /// Appends an event to the chain inside this transaction. Appends are
    /// serialised by an advisory lock held until commit, so the chain never forks;
    /// a rolled-back transaction leaves no event behind.
    @discardableResult
    public func appendEvent(_ event: NewEvent) async throws -> LedgerEvent {
        try await query("SELECT pg_advisory_xact_lock(\(EventChain.appendLockKey))")
        var seq: Int64 = 1
        var previous = EventChain.genesisHash
        for try await (lastSeq, lastHash) in try await query("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
            .decode((Int64, String).self) {
            seq = lastSeq + 1
            previous = lastHash
        }
        let micros = Int64((now().timeIntervalSince1970 * 1_000_000).rounded(.down))
        let payload = EventChain.canonicalJSON(event.payload)
        let hash = EventChain.hash(
            previous: previous, seq: seq, occurredAtMicros: micros,
            actor: event.actor, kind: event.kind, subject: event.subject, payload: payload
        )
        try await query("""
            INSERT INTO events (seq, occurred_at_us, actor, kind, subject, payload, prev_hash, hash)
            VALUES (\(seq), \(micros), \(event.actor), \(event.kind), \(event.subject), \(payload), \(previous), \(hash))
            """)
        let appended = LedgerEvent(
            seq: seq, occurredAtMicros: micros, actor: event.actor, kind: event.kind,
            subject: event.subject, payload: payload, prevHash: previous, hash: hash
        )
        try self.appended.record(appended)
        return appended
    }

    func events(afterSeq: Int64, limit: Int, subject: String? = nil) async throws -> [LedgerEvent] {
        let rows: PostgresRowSequence
        if let subject {
            rows = try await query("""
                SELECT seq, occurred_at_us, actor, kind, subject, payload, prev_hash, hash FROM events
                WHERE seq > \(afterSeq) AND subject = \(subject) ORDER BY seq LIMIT \(limit)
                """)
        } else {
            rows = try await query("""
                SELECT seq, occurred_at_us, actor, kind, subject, payload, prev_hash, hash FROM events
                WHERE seq > \(afterSeq) ORDER BY seq LIMIT \(limit)
                """)
        }
        var events: [LedgerEvent] = []
        for try await (seq, micros, actor, kind, subject, payload, prevHash, hash) in rows.decode(
            (Int64, Int64, String, String, String, String, String, String).self
        ) {
            events.append(LedgerEvent(
                seq: seq, occurredAtMicros: micros, actor: actor, kind: kind, subject: subject,
                payload: payload, prevHash: prevHash, hash: hash
            ))
        }
        return events
    }
}

extension Ledger {
    /// Events in order, from `afterSeq` on; optionally only those about one subject.
    public func events(afterSeq: Int64 = 0, limit: Int = 1000, subject: String? = nil) async throws -> [LedgerEvent] {
        try await read("reading events") { tx in
            try await tx.events(afterSeq: afterSeq, limit: limit, subject: subject)
        }
    }

    /// Recomputes every hash from the stored rows, in batches, and names the
    /// first row that does not match: a changed row, a removed row (a gap in
    /// `seq`), or a row whose `prev_hash` is not its predecessor's hash.
    public func verifyChain(batchSize: Int = 1000, progress: (@Sendable (Int64) -> Void)? = nil) async throws -> ChainVerification {
        var checked: Int64 = 0
        var previousHash = EventChain.genesisHash
        var expectedSeq: Int64 = 1
        var afterSeq: Int64 = 0
        while true {
            let batch = try await read("reading events to verify") { tx in
                try await tx.events(afterSeq: afterSeq, limit: batchSize)
            }
            for event in batch {
                checked += 1
                if event.seq != expectedSeq {
                    return ChainVerification(checked: checked, headHash: previousHash, firstBreak: .init(
                        seq: event.seq, reason: "sequence gap: expected event \(expectedSeq), found \(event.seq); events were removed"
                    ))
                }
                if event.prevHash != previousHash {
                    return ChainVerification(checked: checked, headHash: previousHash, firstBreak: .init(
                        seq: event.seq, reason: "prev_hash does not match the hash of event \(event.seq - 1)"
                    ))
                }
                if EventChain.expectedHash(of: event) != event.hash {
                    return ChainVerification(checked: checked, headHash: previousHash, firstBreak: .init(
                        seq: event.seq, reason: "the stored hash does not match the row's contents; the row was altered"
                    ))
                }
                previousHash = event.hash
                expectedSeq += 1
            }
            progress?(checked)
            guard batch.count == batchSize, let last = batch.last else { break }
            afterSeq = last.seq
        }
        return ChainVerification(checked: checked, headHash: previousHash, firstBreak: nil)
    }
}

extension Ledger {
    public func eventCount() async throws -> Int64 {
        try await read("counting events") { tx in
            var count: Int64 = 0
            for try await (value) in try await tx.query("SELECT count(*) FROM events").decode(Int64.self) { count = value }
            return count
        }
    }

    /// Whether an event with this hash is in the log (for a head hash recorded outside the database).
    public func containsEvent(hash: String) async throws -> Bool {
        try await read("looking up an event by hash") { tx in
            for try await _ in try await tx.query("SELECT 1 FROM events WHERE hash = \(hash)") { return true }
            return false
        }
    }
}
