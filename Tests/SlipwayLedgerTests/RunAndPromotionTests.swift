import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTestSupport
import Testing

@Suite("Runs and promotions in the ledger")
struct RunAndPromotionTests {
    @Test("a run is created once per (pipeline, commit), however often it is triggered")
    func runIsIdempotent() async throws {
        try await withTestLedger { ledger, _ in
            let first = try await ledger.transaction { tx in try await tx.createRun(newRun()) }
            let second = try await ledger.transaction { tx in try await tx.createRun(newRun(by: "webhook")) }
            #expect(first.created)
            #expect(!second.created)
            #expect(second.run.id == first.run.id)
            #expect(second.run.triggeredBy == "ada")
            let other = try await ledger.transaction { tx in try await tx.createRun(newRun(commit: 2)) }
            #expect(other.created && other.run.id != first.run.id)
            let runEvents = try await ledger.events().filter { $0.kind == "run.created" }
            #expect(runEvents.map(\.subject) == ["run/\(first.run.id)", "run/\(other.run.id)"])
        }
    }

    @Test("a promotion moves only as its state machine allows, and each move is an event")
    func promotionMoves() async throws {
        try await withTestLedger { ledger, _ in
            let promotion = try await ledger.transaction { tx in
                let run = try await tx.createRun(newRun()).run
                return try await tx.createPromotion(run: run, environment: "dev", releaseID: "r1", strategy: "blueGreen", actor: "ada")
            }
            #expect(promotion.status == .pending)
            let progressing = try await ledger.transaction { tx in
                try await tx.movePromotion(id: promotion.id, to: .progressing, actor: "slipway")
            }
            #expect(progressing.status == .progressing)
            #expect(progressing.startedAt != nil)
            let done = try await ledger.transaction { tx in
                try await tx.movePromotion(id: promotion.id, to: .succeeded, actor: "slipway", reason: "checks passed")
            }
            #expect(done.finishedAt != nil)
            #expect(done.reason == "checks passed")
            let error = await #expect(throws: LedgerError.self) {
                try await ledger.transaction { tx in try await tx.movePromotion(id: promotion.id, to: .progressing, actor: "ada") }
            }
            #expect(error?.code == .conflict)
            #expect(error?.message.contains("succeeded and cannot become progressing") == true)
            let moves = try await ledger.events(subject: "promotion/\(promotion.id)").map(\.kind)
            #expect(moves == ["promotion.created", "promotion.status", "promotion.status"])
            #expect(try await ledger.verifyChain().isIntact)
        }
    }

    @Test("the database allows one progressing promotion per environment")
    func oneActivePromotionPerEnvironment() async throws {
        try await withTestLedger { ledger, _ in
            let (first, second, elsewhere) = try await ledger.transaction { tx in
                let a = try await tx.createRun(newRun(commit: 1)).run
                let b = try await tx.createRun(newRun(commit: 2)).run
                return (
                    try await tx.createPromotion(run: a, environment: "staging", releaseID: "a", strategy: "canary", actor: "ada"),
                    try await tx.createPromotion(run: b, environment: "staging", releaseID: "b", strategy: "canary", actor: "ada"),
                    try await tx.createPromotion(run: b, environment: "dev", releaseID: "b", strategy: "blueGreen", actor: "ada")
                )
            }
            try await ledger.transaction { tx in try await tx.movePromotion(id: first.id, to: .progressing, actor: "runner-1") }
            let error = await #expect(throws: LedgerError.self) {
                try await ledger.transaction { tx in try await tx.movePromotion(id: second.id, to: .progressing, actor: "runner-2") }
            }
            #expect(error?.code == .conflict)
            // The failed move left nothing behind: no status change, no event.
            let stillPending = try await ledger.history(HistoryQuery(environment: "staging")).promotions.first { $0.id == second.id }
            #expect(stillPending?.status == .pending)
            #expect(try await ledger.events(subject: "promotion/\(second.id)").count == 1)
            // Another environment is not blocked.
            try await ledger.transaction { tx in try await tx.movePromotion(id: elsewhere.id, to: .progressing, actor: "runner-2") }
        }
    }
}
