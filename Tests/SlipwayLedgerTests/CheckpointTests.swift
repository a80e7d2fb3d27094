import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTestSupport
import Testing

/// A migrated ledger on a fresh database that signs a checkpoint after every transaction that
/// appends, with its key and checkpoint file in a temporary directory.
func withSignedLedger<Result: Sendable>(
    _ body: (Ledger, DatabaseConfiguration, LedgerSigning, TemporaryDirectory) async throws -> Result
) async throws -> Result {
    let scratch = try TemporaryDirectory()
    let key = try LedgerSigningKey.loadOrCreate(at: LedgerSigning.defaultKeyPath(stateDirectory: scratch.path))
    let signing = LedgerSigning(key: key, checkpointFile: LedgerSigning.defaultCheckpointPath(stateDirectory: scratch.path))
    return try await TestDatabase.withFreshDatabase { configuration in
        try await Ledger.withLedger(configuration, logger: TestDatabase.logger, signing: signing) { ledger in
            try await body(ledger, configuration, signing, scratch)
        }
    }
}

/// Appends `count` events, one transaction each.
@discardableResult
func appendEvents(_ ledger: Ledger, count: Int, subject: String = "thing") async throws -> [LedgerEvent] {
    var events: [LedgerEvent] = []
    for index in 1...count {
        events.append(try await ledger.transaction { tx in
            try await tx.appendEvent(NewEvent(actor: "ada", kind: "test.event", subject: "\(subject)/\(index)"))
        })
    }
    return events
}

/// Chain and checkpoints, as `slipway audit verify` checks them.
func verifyAll(_ ledger: Ledger, _ signing: LedgerSigning) async throws -> (ChainVerification, CheckpointVerification) {
    let chain = try await ledger.verifyChain()
    let checkpoints = try await ledger.verifyCheckpoints(
        publicKey: signing.key.publicKey, checkpointFile: signing.checkpointFile, chain: chain
    )
    return (chain, checkpoints)
}

@Suite("Signed checkpoints of the chain head")
struct CheckpointTests {
    @Test("an untouched ledger verifies: one checkpoint per appending transaction, the file holds the latest")
    func untouched() async throws {
        try await withSignedLedger { ledger, configuration, signing, _ in
            let events = try await appendEvents(ledger, count: 3)
            // Two events in one transaction share one checkpoint.
            try await ledger.transaction { tx in
                try await tx.appendEvent(NewEvent(actor: "ada", kind: "test.event", subject: "pair/1"))
                try await tx.appendEvent(NewEvent(actor: "ada", kind: "test.event", subject: "pair/2"))
            }
            // A transaction that appends nothing signs nothing.
            try await ledger.transaction { tx in _ = try await tx.run(id: 1) }
            #expect(try await TestDatabase.column("SELECT count(*)::text FROM checkpoints", on: configuration) == ["4"])
            let (chain, checkpoints) = try await verifyAll(ledger, signing)
            #expect(chain.isIntact)
            #expect(checkpoints.ok, "\(checkpoints.problems)")
            #expect(checkpoints.checkpoints == 4)
            #expect(checkpoints.unsignedEvents == 0)
            #expect(checkpoints.latest?.lastSeq == 5)
            #expect(checkpoints.latest?.firstSeq == 4)
            let kept = try #require(try CheckpointFile(path: signing.checkpointFile!).read(ledger: configuration.ledgerName))
            #expect(kept.lastSeq == 5)
            #expect(kept.isSigned(by: signing.key.publicKey))
            #expect(events[2].seq == 3)
            let mode = try FileManager.default.attributesOfItem(atPath: signing.checkpointFile!)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    @Test("the signing key is made on first use with mode 0600 and read back the same")
    func keyFile() throws {
        let scratch = try TemporaryDirectory()
        let path = scratch.path("keys/ledger-signing.key")
        let made = try LedgerSigningKey.loadOrCreate(at: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let again = try LedgerSigningKey.loadOrCreate(at: path)
        #expect(again.publicKey == made.publicKey)
        let publicPath = scratch.path("public.key")
        try made.publicKey.fileText.write(toFile: publicPath, atomically: true, encoding: .utf8)
        #expect(try LedgerPublicKey.load(from: publicPath) == made.publicKey)
        #expect(try LedgerPublicKey.load(from: path) == made.publicKey)
        #expect(LedgerSigningKey.generate().publicKey != made.publicKey)
    }

    @Test("a missing or malformed key file is a clear error naming the file")
    func keyMissing() throws {
        let scratch = try TemporaryDirectory()
        let missing = scratch.path("nope.key")
        #expect {
            _ = try LedgerPublicKey.load(from: missing)
        } throws: { error in
            "\(error)".contains(missing) && "\(error)".contains("does not exist")
        }
        let garbage = scratch.path("garbage.key")
        try "hello\n".write(toFile: garbage, atomically: true, encoding: .utf8)
        #expect {
            _ = try LedgerSigningKey.load(from: garbage)
        } throws: { error in
            "\(error)".contains(garbage) && "\(error)".contains("not a Slipway ledger signing key")
        }
    }

    @Test("deleting the chain's tail fails verification, naming the checkpoint, without --expect-head")
    func truncatedTail() async throws {
        try await withSignedLedger { ledger, configuration, signing, _ in
            try await appendEvents(ledger, count: 5)
            try await TestDatabase.execute(
                "SET session_replication_role = replica", "DELETE FROM events WHERE seq > 3", on: configuration
            )
            let (chain, checkpoints) = try await verifyAll(ledger, signing)
            #expect(chain.isIntact, "the chain by itself cannot see a cut tail")
            #expect(!checkpoints.ok)
            #expect(checkpoints.problems.contains { $0.contains("checkpoint 5 (event 5") && $0.contains("events were removed from the end") })
        }
    }

    @Test("deleting the tail and the checkpoints that cover it is caught by the checkpoint file")
    func truncatedTailAndCheckpoints() async throws {
        try await withSignedLedger { ledger, configuration, signing, _ in
            try await appendEvents(ledger, count: 5)
            try await TestDatabase.execute(
                "SET session_replication_role = replica", "DELETE FROM events WHERE seq > 3",
                "DELETE FROM checkpoints WHERE last_seq > 3", on: configuration
            )
            let (chain, checkpoints) = try await verifyAll(ledger, signing)
            #expect(chain.isIntact)
            #expect(!checkpoints.ok)
            #expect(checkpoints.problems.contains {
                $0.contains("kept in \(signing.checkpointFile!) for \(configuration.ledgerName)") && $0.contains("reached event 5") && $0.contains("ends at event 3")
            })
        }
    }

    @Test("a chain rewritten with correct hashes fails verification, naming the checkpoint")
    func rehashedChain() async throws {
        try await withSignedLedger { ledger, configuration, signing, _ in
            let events = try await appendEvents(ledger, count: 4)
            // Rewrite event 2's actor and recompute every hash from there, as someone with the
            // owner's password and the hashing code would.
            var previous = events[0].hash
            var statements = ["SET session_replication_role = replica"]
            for var event in events.dropFirst() {
                if event.seq == 2 { event.actor = "mallory" }
                let hash = EventChain.hash(
                    previous: previous, seq: event.seq, occurredAtMicros: event.occurredAtMicros,
                    actor: event.actor, kind: event.kind, subject: event.subject, payload: event.payload
                )
                statements.append("UPDATE events SET actor = '\(event.actor)', prev_hash = '\(previous)', hash = '\(hash)' WHERE seq = \(event.seq)")
                previous = hash
            }
            for statement in statements.dropFirst() {
                try await TestDatabase.execute(statements[0], statement, on: configuration)
            }
            let (chain, checkpoints) = try await verifyAll(ledger, signing)
            #expect(chain.isIntact, "the rewritten chain is consistent by itself")
            #expect(!checkpoints.ok)
            #expect(checkpoints.problems.contains { $0.contains("checkpoint 2 (event 2") && $0.contains("re-hashed") })
        }
    }

    @Test("an event appended by SQL, without the key, is reported as not covered")
    func unsignedEvent() async throws {
        try await withSignedLedger { ledger, configuration, signing, _ in
            let events = try await appendEvents(ledger, count: 2)
            let micros = events[1].occurredAtMicros + 1
            let hash = EventChain.hash(
                previous: events[1].hash, seq: 3, occurredAtMicros: micros, actor: "mallory", kind: "approval.approved",
                subject: "promotion/1", payload: "{}"
            )
            try await TestDatabase.execute("""
                INSERT INTO events (seq, occurred_at_us, actor, kind, subject, payload, prev_hash, hash)
                VALUES (3, \(micros), 'mallory', 'approval.approved', 'promotion/1', '{}', '\(events[1].hash)', '\(hash)')
                """, on: configuration)
            let (chain, checkpoints) = try await verifyAll(ledger, signing)
            #expect(chain.isIntact)
            #expect(checkpoints.unsignedEvents == 1)
            #expect(checkpoints.problems.contains { $0.contains("1 event is not covered by any signed checkpoint (3)") })
        }
    }

    @Test("checkpoints checked with another key fail, saying which key signed them")
    func wrongKey() async throws {
        try await withSignedLedger { ledger, _, signing, _ in
            try await appendEvents(ledger, count: 1)
            let other = LedgerSigningKey.generate().publicKey
            let chain = try await ledger.verifyChain()
            let checkpoints = try await ledger.verifyCheckpoints(publicKey: other, checkpointFile: signing.checkpointFile, chain: chain)
            #expect(!checkpoints.ok)
            #expect(checkpoints.problems.contains { $0.contains("signed by key \(signing.key.publicKey.id), not by the key given (\(other.id))") })
        }
    }

    @Test("a ledger that appended before it had a key: those events are noted, not failed")
    func eventsBeforeCheckpoints() async throws {
        let scratch = try TemporaryDirectory()
        let key = try LedgerSigningKey.loadOrCreate(at: scratch.path("k"))
        let signing = LedgerSigning(key: key, checkpointFile: scratch.path("c.json"))
        try await TestDatabase.withFreshDatabase { configuration in
            _ = try await Ledger.withLedger(configuration, logger: TestDatabase.logger) { ledger in
                try await appendEvents(ledger, count: 2)
            }
            try await Ledger.withLedger(configuration, logger: TestDatabase.logger, signing: signing) { ledger in
                try await appendEvents(ledger, count: 1)
                let (_, checkpoints) = try await verifyAll(ledger, signing)
                #expect(checkpoints.ok, "\(checkpoints.problems)")
                #expect(checkpoints.eventsBeforeCheckpoints == 2)
                #expect(checkpoints.notes.contains { $0.contains("events 1–2 predate the first signed checkpoint") })
            }
        }
    }

    @Test("a checkpoint row cannot be changed or deleted by an ordinary statement")
    func checkpointsAppendOnly() async throws {
        try await withSignedLedger { ledger, configuration, _, _ in
            try await appendEvents(ledger, count: 1)
            for statement in ["UPDATE checkpoints SET last_seq = 9", "DELETE FROM checkpoints", "TRUNCATE checkpoints"] {
                await #expect(throws: (any Error).self, "\(statement) should be refused") {
                    try await TestDatabase.execute(statement, on: configuration)
                }
            }
        }
    }
}

@Suite("A checkpoint signs only its own transaction's events")
struct CheckpointSpanTests {
    @Test("an event committed by SQL between two appends of one transaction fails that transaction; no checkpoint covers it")
    func foreignEventBetweenAppends() async throws {
        try await withSignedLedger { ledger, configuration, signing, _ in
            try await appendEvents(ledger, count: 1)
            var refusal: LedgerError?
            do {
                try await ledger.transaction { tx in
                    let mine = try await tx.appendEvent(NewEvent(actor: "ada", kind: "test.event", subject: "mine/1"))
                    // Someone with the database's password commits an event right after it, without the append lock.
                    let micros = mine.occurredAtMicros + 1
                    let hash = EventChain.hash(
                        previous: mine.hash, seq: mine.seq + 1, occurredAtMicros: micros, actor: "mallory", kind: "approval.approved",
                        subject: "promotion/1", payload: "{}"
                    )
                    try await TestDatabase.execute("""
                        INSERT INTO events (seq, occurred_at_us, actor, kind, subject, payload, prev_hash, hash)
                        VALUES (\(mine.seq + 1), \(micros), 'mallory', 'approval.approved', 'promotion/1', '{}', '\(mine.hash)', '\(hash)')
                        """, on: configuration)
                    try await tx.appendEvent(NewEvent(actor: "ada", kind: "test.event", subject: "mine/2"))
                }
            } catch let error as LedgerError {
                refusal = error
            }
            let error = try #require(refusal)
            #expect(error.code == .conflict)
            #expect(error.message.contains("event 3 was committed to the chain between this transaction's events 2 and 4 without the append lock"))
            #expect(try await TestDatabase.column(
                "SELECT count(*)::text FROM checkpoints WHERE first_seq <= 3 AND last_seq >= 3", on: configuration
            ) == ["0"])
        }
    }
}
