import Foundation
import SlipwayCore
import SlipwayLedger
import Testing

@Suite("Promotion steps")
struct StepRecordTests {
    static let plan = [
        PlannedStep(kind: .deploy, name: "deploy the canary"),
        PlannedStep(kind: .setWeight, name: "set weight 10", config: .object(["weight": .number(10)])),
        PlannedStep(kind: .pause, name: "pause 2m", config: .object(["durationMs": .number(120_000)])),
    ]

    @Test("steps are planned once, in order, with their configuration; planning again returns them unchanged")
    func planOnce() async throws {
        try await withTestLedger { ledger, _ in
            let promotion = try await ledger.transaction { tx in
                let run = try await tx.createRun(newRun()).run
                return try await tx.createPromotion(run: run, environment: "staging", releaseID: "r1", strategy: "canary", actor: "slipway")
            }
            let first = try await ledger.transaction { tx in try await tx.planSteps(promotionID: promotion.id, Self.plan, actor: "slipway") }
            #expect(first.map(\.ordinal) == [1, 2, 3])
            #expect(first.map(\.kind) == ["deploy", "setWeight", "pause"])
            #expect(first[1].config == .object(["weight": .number(10)]))
            #expect(first.allSatisfy { $0.status == .pending && $0.attempt == 0 })
            let again = try await ledger.transaction { tx in
                try await tx.planSteps(promotionID: promotion.id, [PlannedStep(kind: .retire, name: "other")], actor: "slipway")
            }
            #expect(again == first)
            #expect(try await ledger.events().filter { $0.kind == "promotion.planned" }.count == 1)
        }
    }

    @Test("a step runs, waits (one event per distinct wait), and finishes once with its evidence")
    func stepLifecycle() async throws {
        try await withTestLedger { ledger, _ in
            let steps = try await ledger.transaction { tx in
                let run = try await tx.createRun(newRun()).run
                let promotion = try await tx.createPromotion(run: run, environment: "staging", releaseID: "r1", strategy: "canary", actor: "slipway")
                return try await tx.planSteps(promotionID: promotion.id, Self.plan, actor: "slipway")
            }
            let pause = steps[2]
            let started = try await ledger.transaction { tx in try await tx.startStep(id: pause.id, actor: "slipway") }
            #expect(started.status == .running && started.attempt == 1 && started.startedAt != nil)
            let later = Date(timeIntervalSince1970: 2_000_000_000)
            for _ in 0..<3 {
                _ = try await ledger.transaction { tx in
                    try await tx.deferStep(id: pause.id, retryAfter: later, note: "pausing until 2033", actor: "slipway")
                }
            }
            let waiting = try await ledger.transaction { tx in try await tx.steps(promotionID: pause.promotionID) }[2]
            #expect(waiting.retryAfter == later && waiting.logTail == "pausing until 2033" && waiting.status == .running)
            let finished = try await ledger.transaction { tx in
                try await tx.finishStep(id: pause.id, status: .succeeded, result: .object(["pausedMs": .number(120_000)]), actor: "slipway")
            }
            #expect(finished.status == .succeeded && finished.result == .object(["pausedMs": .number(120_000)]) && finished.retryAfter == nil)
            await #expect(throws: (any Error).self) {
                try await ledger.transaction { tx in try await tx.startStep(id: pause.id, actor: "slipway") }
            }
            await #expect(throws: (any Error).self) {
                try await ledger.transaction { tx in try await tx.finishStep(id: pause.id, status: .failed, result: nil, actor: "slipway") }
            }
            let kinds = try await ledger.events().map(\.kind).filter { $0.hasPrefix("step.") }
            #expect(kinds == ["step.started", "step.waiting", "step.finished"])
            #expect(try await ledger.verifyChain().isIntact)
        }
    }
}
