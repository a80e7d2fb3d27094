import Foundation
import Logging
import SlipwayCore
import SlipwayEngine
import SlipwayLedger
@testable import SlipwayServer
import SlipwayTestSupport
import Testing

/// Promotions, gates and steps reach `/metrics` with the times the ledger recorded.
@Suite("run metrics")
struct RunMetricsTests {
    @Test("a gate's wait and a step's duration come from the ledger's step times; a finished promotion is counted by result")
    func fromTheLedger() async throws {
        let clock = ManualClock()
        try await TestDatabase.withFreshDatabase { configuration in
            try await Ledger.withLedger(configuration, logger: TestDatabase.logger, now: { clock.now }) { ledger in
                let steps = try await ledger.transaction { tx in
                    let run = try await tx.createRun(NewRun(
                        pipeline: "app", commitSHA: String(repeating: "a", count: 40), branch: "main", trigger: .webhook, triggeredBy: "test"
                    )).run
                    let promotion = try await tx.createPromotion(run: run, environment: "staging", releaseID: "app-aaaa", strategy: "canary", actor: "test")
                    return try await tx.planSteps(promotionID: promotion.id, [
                        PlannedStep(kind: .gate, name: "gate after dev"), PlannedStep(kind: .deploy, name: "deploy"),
                    ], actor: "test")
                }
                try await ledger.transaction { tx in _ = try await tx.startStep(id: steps[0].id, actor: "test") }
                clock.advance(by: 90)
                try await ledger.transaction { tx in _ = try await tx.finishStep(id: steps[0].id, status: .succeeded, result: nil, actor: "test") }
                try await ledger.transaction { tx in _ = try await tx.startStep(id: steps[1].id, actor: "test") }
                clock.advance(by: 2.5)
                try await ledger.transaction { tx in _ = try await tx.finishStep(id: steps[1].id, status: .failed, result: nil, actor: "test") }

                let metrics = ServerMetrics()
                let recorder = RunMetricsRecorder(ledger: ledger, metrics: metrics, logger: TestDatabase.logger)
                let promotionID = steps[0].promotionID
                await recorder.record(.stepFinished(ordinal: 1, name: "gate after dev", status: .succeeded, note: nil), promotionID: promotionID, environment: "staging")
                await recorder.record(.stepFinished(ordinal: 2, name: "deploy", status: .failed, note: "boom"), promotionID: promotionID, environment: "staging")
                await recorder.record(.promotionFinished(.rolledBack, "deploy: boom"), promotionID: promotionID, environment: "staging")
                await recorder.record(.runStarted(runID: 1, pipeline: "app", commit: "aaaaaaaaaaaa", resumed: true))

                let text = String(decoding: metrics.exposition(), as: UTF8.self)
                for line in [
                    #"slipway_gate_wait_seconds_sum{environment="staging"} 90.0"#,
                    #"slipway_gate_wait_seconds_count{environment="staging"} 1"#,
                    #"slipway_step_duration_seconds_sum{kind="deploy",environment="staging",status="failed"} 2.5"#,
                    #"slipway_step_duration_seconds_count{kind="gate",environment="staging",status="succeeded"} 1"#,
                    #"slipway_promotions_total{environment="staging",result="rolled_back"} 1"#,
                    #"slipway_runs_started_total{resumed="true"} 1"#,
                    #"slipway_runs_started_total{resumed="false"} 0"#,
                ] {
                    #expect(text.contains(line), "missing \(line) in\n\(text)")
                }
            }
        }
    }
}
