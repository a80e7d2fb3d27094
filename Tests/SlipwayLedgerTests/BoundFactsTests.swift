import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTestSupport
import Testing

/// Approvals a gate counts are the ones the chain records: a row written by SQL does not open a gate.
@Suite("Facts bound to events")
struct BoundFactsTests {
    typealias World = GateAtStaging

    /// Inserts an approval by `user` as a DBA with the password would: a copy of an existing
    /// row's release, no event.
    static func insertApprovalBySQL(_ world: World, user: String) async throws {
        try await TestDatabase.execute("""
            INSERT INTO approvals (promotion_id, approver, approver_groups, decision, release, release_digest, created_at, expires_at)
            SELECT promotion_id, '\(user)', approver_groups, 'approved', release, release_digest, created_at, expires_at
            FROM approvals WHERE approver = 'grace'
            """, on: world.configuration)
    }

    @Test("an approvals row inserted by SQL does not count at the gate, is reported in the facts and by unboundFacts")
    func insertedRowIgnored() async throws {
        try await World.with { world in
            let grace = try await world.token("grace")
            try await world.decide(grace)
            try await Self.insertApprovalBySQL(world, user: "linus")
            #expect(try await TestDatabase.column("SELECT count(*)::text FROM approvals", on: world.configuration) == ["2"])
            #expect(try await world.verdict().waitTexts == ["approvals: 1 of 2 (needs group release-managers); grace approved"])
            let facts = try await world.ledger.transaction { tx in
                try await tx.gateFacts(promotionID: world.staging.id, requirements: World.requirements)
            }
            #expect(facts.decisions.map(\.user) == ["grace"])
            #expect(facts.unboundDecisions.count == 1)
            #expect(facts.unboundDecisions.first?.contains("by linus (approved)") == true)
            let unbound = try await world.ledger.unboundFacts()
            #expect(unbound.map(\.table) == ["approvals"])
            #expect(unbound.first?.description.contains("has no matching event in the chain") == true)
            // The chain by itself still verifies: only the binding shows the row is foreign.
            #expect(try await world.ledger.verifyChain().isIntact)
        }
    }

    @Test("a decision recorded by Slipway names its event's seq and hash")
    func recordedRowNamesItsEvent() async throws {
        try await World.with { world in
            let grace = try await world.token("grace")
            let decided = try await world.decide(grace)
            let event = try #require(try await world.ledger.events(subject: "promotion/\(world.staging.id)").last)
            #expect(event.kind == "approval.approved")
            let stored = try await TestDatabase.column(
                "SELECT event_seq || ' ' || event_hash FROM approvals WHERE id = \(decided.approval.id)", on: world.configuration
            )
            #expect(stored == ["\(event.seq) \(event.hash)"])
            #expect(try await world.ledger.unboundFacts().isEmpty)
        }
    }

    @Test("a row naming another approval's event is refused; one naming an event of another kind does not count")
    func rowPointingAtAnotherEvent() async throws {
        try await World.with { world in
            let grace = try await world.token("grace")
            try await world.decide(grace)
            let copy = """
                INSERT INTO approvals (promotion_id, approver, approver_groups, decision, release, release_digest, created_at,
                                       expires_at, event_seq, event_hash)
                SELECT promotion_id, 'linus', approver_groups, 'approved', release, release_digest, created_at, expires_at, %@
                FROM approvals WHERE approver = 'grace'
                """
            await #expect(throws: (any Error).self, "one event binds one row") {
                try await TestDatabase.execute(copy.replacingOccurrences(of: "%@", with: "event_seq, event_hash"), on: world.configuration)
            }
            let requirements = try #require(try await world.ledger.events(subject: "promotion/\(world.staging.id)").first { $0.kind == "gate.requirements" })
            try await TestDatabase.execute(
                copy.replacingOccurrences(of: "%@", with: "\(requirements.seq), '\(requirements.hash)'"), on: world.configuration
            )
            #expect(try await world.verdict().waitTexts == ["approvals: 1 of 2 (needs group release-managers); grace approved"])
            #expect(try await world.ledger.unboundFacts().map(\.table) == ["approvals"])
        }
    }

    @Test("with a signing key, an approval and a well-chained event both inserted by SQL still do not count")
    func forgedEventWithoutKeyIgnored() async throws {
        let scratch = try TemporaryDirectory()
        let signing = LedgerSigning(key: .generate(), checkpointFile: scratch.path("checkpoint.json"))
        try await World.with(signing: signing) { world in
            let grace = try await world.token("grace")
            let decided = try await world.decide(grace)
            // The forger reads the head and appends a correctly hashed event for linus's row.
            let head = try #require(try await world.ledger.events(afterSeq: 0, limit: 10_000).last)
            let id: Int64 = decided.approval.id + 100
            let payload = EventChain.canonicalJSON(.object([
                "approval": .number(Double(id)), "user": .string("linus"), "decision": .string("approved"),
                "releaseDigest": .string(decided.approval.releaseDigest),
            ]))
            let seq = head.seq + 1, micros = head.occurredAtMicros + 1
            let hash = EventChain.hash(
                previous: head.hash, seq: seq, occurredAtMicros: micros, actor: "linus", kind: "approval.approved",
                subject: "promotion/\(world.staging.id)", payload: payload
            )
            try await TestDatabase.execute("""
                INSERT INTO events (seq, occurred_at_us, actor, kind, subject, payload, prev_hash, hash)
                VALUES (\(seq), \(micros), 'linus', 'approval.approved', 'promotion/\(world.staging.id)', '\(payload)', '\(head.hash)', '\(hash)')
                """, """
                INSERT INTO approvals (id, promotion_id, approver, approver_groups, decision, release, release_digest, created_at,
                                       expires_at, event_seq, event_hash)
                SELECT \(id), promotion_id, 'linus', approver_groups, 'approved', release, release_digest, created_at, expires_at,
                       \(seq), '\(hash)'
                FROM approvals WHERE approver = 'grace'
                """, on: world.configuration)
            // Bound by the chain, but no checkpoint signed with the key covers its event.
            #expect(try await world.ledger.unboundFacts().isEmpty)
            #expect(try await world.verdict().waitTexts == ["approvals: 1 of 2 (needs group release-managers); grace approved"])
            // A later transaction of Slipway's signs only its own events, so the forged one stays uncovered.
            try await world.ledger.transaction { tx in
                try await tx.appendEvent(NewEvent(actor: "ci", kind: "test.later", subject: "x"))
            }
            #expect(try await world.verdict().waitTexts == ["approvals: 1 of 2 (needs group release-managers); grace approved"])
            let chain = try await world.ledger.verifyChain()
            let checkpoints = try await world.ledger.verifyCheckpoints(
                publicKey: signing.key.publicKey, checkpointFile: signing.checkpointFile, chain: chain
            )
            #expect(chain.isIntact)
            #expect(checkpoints.problems.contains { $0.contains("1 event is not covered by any signed checkpoint (\(seq))") })
            // Without the forgery, the same flow opens the gate for a real second approver.
            let linus = try await world.token("linus")
            #expect(await world.refusal { try await world.decide(linus) } == nil)
        }
    }

    @Test("approvals, scans, artifacts and gate requirements cannot be changed or deleted by an ordinary statement")
    func factsAppendOnly() async throws {
        try await World.with { world in
            try await world.decide(try await world.token("grace"))
            for statement in [
                "UPDATE approvals SET approver = 'mallory'", "DELETE FROM approvals", "TRUNCATE approvals",
                "UPDATE artifacts SET digest = 'sha256:\(String(repeating: "9", count: 64))'", "DELETE FROM gates",
            ] {
                await #expect(throws: (any Error).self, "\(statement) should be refused") {
                    try await TestDatabase.execute(statement, on: world.configuration)
                }
            }
        }
    }
}
