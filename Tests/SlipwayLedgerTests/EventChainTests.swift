import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTestSupport
import Testing

@Suite("Hash-chained event log")
struct EventChainTests {
    @Test("events link to their predecessor and the chain verifies")
    func chainLinks() async throws {
        let clock = ManualClock()
        try await withTestLedger(clock: clock) { ledger, _ in
            var appended: [LedgerEvent] = []
            for index in 1...5 {
                clock.advance(by: 1.5)
                let event = try await ledger.transaction { tx in
                    try await tx.appendEvent(NewEvent(
                        actor: "ada", kind: "test.event", subject: "thing/\(index)",
                        payload: .object(["index": .number(Double(index)), "note": .string("ünïcode / \"quotes\"")])
                    ))
                }
                appended.append(event)
            }
            #expect(appended.map(\.seq) == [1, 2, 3, 4, 5])
            #expect(appended[0].prevHash == EventChain.genesisHash)
            for (previous, next) in zip(appended, appended.dropFirst()) {
                #expect(next.prevHash == previous.hash)
            }
            #expect(appended[1].occurredAtMicros - appended[0].occurredAtMicros == 1_500_000)
            let stored = try await ledger.events()
            #expect(stored == appended)
            let verification = try await ledger.verifyChain(batchSize: 2)
            #expect(verification.isIntact)
            #expect(verification.checked == 5)
            #expect(verification.headHash == appended[4].hash)
        }
    }

    @Test("the hash covers every field: changing any one changes it")
    func hashCoversFields() {
        let base = EventChain.hash(previous: EventChain.genesisHash, seq: 1, occurredAtMicros: 10, actor: "a", kind: "k", subject: "s", payload: "{}")
        let variants = [
            EventChain.hash(previous: String(repeating: "1", count: 64), seq: 1, occurredAtMicros: 10, actor: "a", kind: "k", subject: "s", payload: "{}"),
            EventChain.hash(previous: EventChain.genesisHash, seq: 2, occurredAtMicros: 10, actor: "a", kind: "k", subject: "s", payload: "{}"),
            EventChain.hash(previous: EventChain.genesisHash, seq: 1, occurredAtMicros: 11, actor: "a", kind: "k", subject: "s", payload: "{}"),
            EventChain.hash(previous: EventChain.genesisHash, seq: 1, occurredAtMicros: 10, actor: "b", kind: "k", subject: "s", payload: "{}"),
            EventChain.hash(previous: EventChain.genesisHash, seq: 1, occurredAtMicros: 10, actor: "a", kind: "x", subject: "s", payload: "{}"),
            EventChain.hash(previous: EventChain.genesisHash, seq: 1, occurredAtMicros: 10, actor: "a", kind: "k", subject: "t", payload: "{}"),
            EventChain.hash(previous: EventChain.genesisHash, seq: 1, occurredAtMicros: 10, actor: "a", kind: "k", subject: "s", payload: "[]"),
            // Moving bytes between fields must not collide (the encoding is length-prefixed).
            EventChain.hash(previous: EventChain.genesisHash, seq: 1, occurredAtMicros: 10, actor: "ak", kind: "", subject: "s", payload: "{}"),
        ]
        #expect(base.count == 64)
        #expect(Set(variants + [base]).count == variants.count + 1)
        #expect(EventChain.canonicalJSON(.object(["b": .number(1), "a": .string("x/y")])) == #"{"a":"x/y","b":1}"#)
    }

    @Test("UPDATE, DELETE and TRUNCATE on events are refused by the database")
    func appendOnly() async throws {
        try await withTestLedger { ledger, configuration in
            try await ledger.transaction { tx in
                try await tx.appendEvent(NewEvent(actor: "ada", kind: "test", subject: "x"))
            }
            for statement in ["UPDATE events SET actor = 'mallory'", "DELETE FROM events", "TRUNCATE events"] {
                await #expect(throws: (any Error).self, "\(statement) should be refused") {
                    try await TestDatabase.execute(statement, on: configuration)
                }
            }
            #expect(try await TestDatabase.column("SELECT actor FROM events", on: configuration) == ["ada"])
            #expect(try await ledger.verifyChain().isIntact)
        }
    }

    @Test("a row altered by a superuser with triggers off is named by verify")
    func alteredRowDetected() async throws {
        try await withTestLedger { ledger, configuration in
            for index in 1...4 {
                try await ledger.transaction { tx in
                    try await tx.appendEvent(NewEvent(actor: "ada", kind: "promotion.approved", subject: "promotion/\(index)"))
                }
            }
            try await TestDatabase.execute(
                "SET session_replication_role = replica",
                "UPDATE events SET actor = 'mallory' WHERE seq = 3",
                on: configuration
            )
            let verification = try await ledger.verifyChain()
            #expect(!verification.isIntact)
            #expect(verification.firstBreak?.seq == 3)
            #expect(verification.firstBreak?.reason.contains("altered") == true)
        }
    }

    @Test("a row altered together with its hash breaks the link to the next row")
    func rehashedRowDetected() async throws {
        try await withTestLedger { ledger, configuration in
            var events: [LedgerEvent] = []
            for index in 1...3 {
                events.append(try await ledger.transaction { tx in
                    try await tx.appendEvent(NewEvent(actor: "ada", kind: "k", subject: "s/\(index)"))
                })
            }
            var forged = events[1]
            forged.actor = "mallory"
            let forgedHash = EventChain.hash(
                previous: forged.prevHash, seq: forged.seq, occurredAtMicros: forged.occurredAtMicros,
                actor: forged.actor, kind: forged.kind, subject: forged.subject, payload: forged.payload
            )
            try await TestDatabase.execute(
                "SET session_replication_role = replica",
                "UPDATE events SET actor = 'mallory', hash = '\(forgedHash)' WHERE seq = 2",
                on: configuration
            )
            let verification = try await ledger.verifyChain()
            #expect(verification.firstBreak?.seq == 3)
            #expect(verification.firstBreak?.reason.contains("prev_hash") == true)
        }
    }

    @Test("a removed row is found as a gap in the sequence")
    func removedRowDetected() async throws {
        try await withTestLedger { ledger, configuration in
            for index in 1...4 {
                try await ledger.transaction { tx in
                    try await tx.appendEvent(NewEvent(actor: "ada", kind: "k", subject: "s/\(index)"))
                }
            }
            try await TestDatabase.execute("SET session_replication_role = replica", "DELETE FROM events WHERE seq = 2", on: configuration)
            let verification = try await ledger.verifyChain()
            #expect(verification.firstBreak?.seq == 3)
            #expect(verification.firstBreak?.reason.contains("expected event 2") == true)
        }
    }

    @Test("a rolled-back transaction leaves no event, and concurrent appends never fork the chain")
    func rollbackAndConcurrency() async throws {
        struct Abort: Error {}
        try await withTestLedger { ledger, _ in
            await #expect(throws: (any Error).self) {
                try await ledger.transaction { tx in
                    try await tx.appendEvent(NewEvent(actor: "ada", kind: "k", subject: "doomed"))
                    throw Abort()
                }
            }
            #expect(try await ledger.eventCount() == 0)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        for index in 0..<5 {
                            try await ledger.transaction { tx in
                                try await tx.appendEvent(NewEvent(actor: "writer-\(writer)", kind: "k", subject: "s/\(index)"))
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await ledger.eventCount() == 40)
            let verification = try await ledger.verifyChain()
            #expect(verification.isIntact)
            #expect(verification.checked == 40)
        }
    }
}
