import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTestSupport
import Testing

/// The earlier stage's success is a fact the gate acts on: it counts only as the chain recorded
/// it, so a row changed by SQL neither opens a gate nor shortens a soak.
@Suite("the earlier stage's success is bound to its event")
struct PreviousStageBindingTests {
    typealias World = GateAtStaging

    @Test("dev marked succeeded by SQL does not open staging's gate; a soak runs from the event, not from finished_at")
    func sqlSuccessDoesNotCount() async throws {
        try await World.with(requirements: GateRequirements(afterStage: "dev", soak: .seconds(3600))) { world in
            // Dev succeeded through the ledger: the soak runs from that event.
            let facts = try await world.ledger.transaction { tx in
                try await tx.gateFacts(promotionID: world.staging.id, requirements: GateRequirements(afterStage: "dev", soak: .seconds(3600)))
            }
            let recorded = try #require(facts.previousStageSucceededAt)
            // Backdating the row's finished_at by a day changes nothing the gate reads.
            try await TestDatabase.execute(
                "UPDATE promotions SET finished_at = finished_at - interval '1 day' WHERE environment = 'dev'", on: world.configuration
            )
            let backdated = try await world.ledger.transaction { tx in
                try await tx.gateFacts(promotionID: world.staging.id, requirements: GateRequirements(afterStage: "dev", soak: .seconds(3600)))
            }
            #expect(backdated.previousStageSucceededAt == recorded)

            // A second run whose dev promotion is set to succeeded by SQL, with no event.
            let staging = try await world.ledger.transaction { tx in
                let run = try await tx.createRun(NewRun(
                    pipeline: "model-serve", commitSHA: String(repeating: "b", count: 40), branch: "main", trigger: .manual, triggeredBy: "ci"
                )).run
                let dev = try await tx.createPromotion(run: run, environment: "dev", releaseID: "model-serve-2", strategy: "blueGreen", actor: "ci")
                _ = dev
                return try await tx.createPromotion(run: run, environment: "staging", releaseID: "model-serve-2", strategy: "canary", actor: "ci")
            }
            try await TestDatabase.execute(
                "UPDATE promotions SET status = 'succeeded', finished_at = now() WHERE release_id = 'model-serve-2' AND environment = 'dev'",
                on: world.configuration
            )
            let forged = try await world.ledger.transaction { tx in
                try await tx.gateFacts(promotionID: staging.id, requirements: GateRequirements(afterStage: "dev"))
            }
            #expect(forged.previousStageSucceededAt == nil)
            #expect(GateRequirements(afterStage: "dev").evaluate(forged, at: world.clock.now).waitTexts == [
                "stage dev has not succeeded with this release",
            ])
        }
    }
}

@Suite("the earlier stage's success counts only when signed")
struct SignedPreviousStageTests {
    @Test("with a signing key, dev set to succeeded by SQL with a well-chained unsigned promotion.status event opens nothing")
    func forgedSuccessEventIgnored() async throws {
        let (signing, _) = try Forgery.signing()
        try await GateAtStaging.with(requirements: GateRequirements(afterStage: "dev"), signing: signing) { world in
            let signed = try await world.ledger.transaction { tx in
                try await tx.gateFacts(promotionID: world.staging.id, requirements: GateRequirements(afterStage: "dev"))
            }
            #expect(signed.previousStageSucceededAt != nil, "dev succeeded through the ledger, under a signed checkpoint")

            let (dev, staging) = try await world.ledger.transaction { tx -> (PromotionRecord, PromotionRecord) in
                let run = try await tx.createRun(newRun(commit: 2)).run
                let dev = try await tx.createPromotion(run: run, environment: "dev", releaseID: "model-serve-2", strategy: "blueGreen", actor: "ci")
                let staging = try await tx.createPromotion(run: run, environment: "staging", releaseID: "model-serve-2", strategy: "canary", actor: "ci")
                return (dev, staging)
            }
            try await TestDatabase.execute(
                "UPDATE promotions SET status = 'succeeded', finished_at = now() WHERE id = \(dev.id)", on: world.configuration
            )
            try await Forgery.appendEvent(
                world.ledger, on: world.configuration, actor: "ci", kind: "promotion.status", subject: "promotion/\(dev.id)",
                payload: .object(["from": .string("progressing"), "to": .string("succeeded")])
            )
            let forged = try await world.ledger.transaction { tx in
                try await tx.gateFacts(promotionID: staging.id, requirements: GateRequirements(afterStage: "dev"))
            }
            #expect(forged.previousStageSucceededAt == nil)
        }
    }
}
