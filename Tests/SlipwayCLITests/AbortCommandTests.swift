import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTestSupport
import Testing

@Suite("slipway abort against a real PostgreSQL")
struct AbortCommandTests {
    @Test("abort records the current step failed with who and why; nothing to abort, or two candidates, say so with exit 1")
    func abortRecordsTheStep() async throws {
        try await TestDatabase.withFreshDatabase { configuration in
            let (promotionID, queuedID) = try await Ledger.withLedger(configuration, logger: TestDatabase.logger) { ledger in
                try await ledger.transaction { tx in
                    func promotion(_ commit: Int, _ release: String) async throws -> PromotionRecord {
                        let run = try await tx.createRun(NewRun(
                            pipeline: "model-serve", commitSHA: String(format: "%040x", commit), branch: "main", trigger: .manual, triggeredBy: "ada"
                        )).run
                        return try await tx.createPromotion(run: run, environment: "staging", releaseID: release, strategy: "canary", actor: "ada")
                    }
                    // One mid-canary (its pause running), one queued behind it (not planned yet).
                    let running = try await promotion(1, "model-serve-1")
                    _ = try await tx.movePromotion(id: running.id, to: .progressing, actor: "slipway")
                    let steps = try await tx.planSteps(promotionID: running.id, [
                        PlannedStep(kind: .setWeight, name: "set weight 50", config: .object(["weight": .number(50)])),
                        PlannedStep(kind: .pause, name: "pause 1m", config: .object(["durationMs": .number(60_000)])),
                    ], actor: "slipway")
                    _ = try await tx.startStep(id: steps[0].id, actor: "slipway")
                    _ = try await tx.finishStep(id: steps[0].id, status: .succeeded, result: nil, actor: "slipway")
                    _ = try await tx.startStep(id: steps[1].id, actor: "slipway")
                    let queued = try await promotion(2, "model-serve-2")
                    return (running.id, queued.id)
                }
            }
            let common = ["--database-url", configuration.url]
            let ambiguous = try SlipwayBinary.run(["abort", "--env", "staging", "--reason", "x"] + common)
            #expect(ambiguous.status == 1 && ambiguous.stderr.contains("more than one promotion is unfinished in staging"), "\(ambiguous.stderr)")

            let aborted = try SlipwayBinary.run(
                ["abort", "--env", "staging", "--promotion", String(promotionID), "--reason", "p99 doubled", "--actor", "grace"] + common
            )
            #expect(aborted.status == 0, "\(aborted.stderr)")
            #expect(aborted.stdout == "promotion \(promotionID) (model-serve-1 to staging): aborted by grace at step 2, pause 1m; its runner rolls traffic back at its next check\n")

            let again = try SlipwayBinary.run(["abort", "--env", "staging", "--promotion", String(promotionID), "--reason", "x"] + common)
            #expect(again.status == 1 && again.stderr.contains("is already stopping"), "\(again.stderr)")

            // The aborted one is stopping, so the queued one is the only one left to abort.
            let queued = try SlipwayBinary.run(["abort", "--env", "staging", "--reason", "not this one either", "--actor", "grace"] + common)
            #expect(queued.status == 0, "\(queued.stderr)")
            #expect(queued.stdout == "promotion \(queuedID) (model-serve-2 to staging): aborted by grace before it started; nothing had moved\n")

            try await Ledger.withLedger(configuration, logger: TestDatabase.logger) { ledger in
                let steps = try await ledger.transaction { tx in try await tx.steps(promotionID: promotionID) }
                #expect(steps[1].status == .failed && steps[1].logTail == "aborted by grace: p99 doubled")
                let queuedRecord = try await ledger.transaction { tx in try await tx.promotion(id: queuedID) }
                #expect(queuedRecord?.status == .failed && queuedRecord?.reason == "aborted by grace: not this one either")
            }

            let none = try SlipwayBinary.run(["abort", "--env", "dev", "--reason", "x"] + common)
            #expect(none.status == 1 && none.stderr.contains("no promotion is under way in dev"), "\(none.stderr)")
        }
    }
}
