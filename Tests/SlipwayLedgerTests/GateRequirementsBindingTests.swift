import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTestSupport
import Testing

/// A gate's recorded requirements count only as the chain recorded them: a `gates` row written
/// by SQL before the gate first ran (to weaken what approvers are held to) is not read.
@Suite("gate requirements are bound to their event")
struct GateRequirementsBindingTests {
    typealias World = GateAtStaging

    @Test("requirements recorded by the gate are read back; a row inserted by SQL is not, and decisions at that gate are refused")
    func forgedRequirementsAreNotRead() async throws {
        try await World.with { world in
            let recorded = try await world.ledger.transaction { tx in try await tx.gateRequirements(promotionID: world.staging.id) }
            #expect(recorded == World.requirements)

            // A second release waiting at staging whose gate row was written by SQL: no approvals needed.
            let staging = try await world.ledger.transaction { tx in
                let run = try await tx.createRun(NewRun(
                    pipeline: "model-serve", commitSHA: String(repeating: "c", count: 40), branch: "main", trigger: .manual, triggeredBy: "ci"
                )).run
                let promotion = try await tx.createPromotion(run: run, environment: "staging", releaseID: "model-serve-3", strategy: "canary", actor: "ci")
                let steps = try await tx.planSteps(promotionID: promotion.id, [
                    PlannedStep(kind: .gate, name: "gate after dev", config: .object(["after": .string("dev")])),
                ], actor: "ci")
                _ = try await tx.startStep(id: steps[0].id, actor: "ci")
                return try await tx.movePromotion(id: promotion.id, to: .waiting, actor: "ci")
            }
            try await TestDatabase.execute(
                "INSERT INTO gates (promotion_id, requirements, recorded_at) VALUES (\(staging.id), '{\"after\": \"dev\"}'::jsonb, now())",
                on: world.configuration
            )
            let forged = try await world.ledger.transaction { tx in try await tx.gateRequirements(promotionID: staging.id) }
            #expect(forged == nil)
            let grace = try await world.token("grace")
            await #expect(throws: LedgerError.self) {
                try await world.ledger.transaction { tx in
                    try await tx.recordGateDecision(
                        promotionID: staging.id, GateDecisionRequest(user: "grace", groups: ["release-managers"], verdict: .approved),
                        token: grace
                    )
                }
            }
            #expect(try await world.ledger.unboundFacts().contains { $0.table == "gates" })
        }
    }
}
