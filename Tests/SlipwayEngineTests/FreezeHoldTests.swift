import Foundation
import SlipwayCore
import SlipwayEngine
import SlipwayLedger
import SlipwayTestSupport
import Testing

/// A test double at the ``ReleaseTarget`` seam: it runs nothing and records every traffic move,
/// so the tests below see exactly when the driver moved traffic.
final class RecordingTarget: ReleaseTarget, @unchecked Sendable {
    private let moves = Locked<[String]>([])
    var recorded: [String] { moves.withLockedValue { $0 } }

    func deploy(_ release: ReleaseLaunch) async throws -> String {
        moves.withLockedValue { $0.append("deploy \(release.releaseID)") }
        return "http://127.0.0.1:1"
    }
    func setCandidateWeight(_ percent: Int, release: String) async throws { moves.withLockedValue { $0.append("weight \(percent)") } }
    func promoteCandidate(release: String) async throws { moves.withLockedValue { $0.append("promote \(release)") } }
    func retirePrevious() async throws { moves.withLockedValue { $0.append("retire") } }
    func rollBack(release: String, trafficRestored: @Sendable () async -> Void) async throws {
        moves.withLockedValue { $0.append("roll back \(release)") }
        await trafficRestored()
    }
    var liveURL: String { "http://127.0.0.1:1" }
    func candidateURL() async -> String? { nil }
    func comparison(for release: String) async -> ReleaseComparison { ReleaseComparison(release: nil, baseline: nil) }
    func proxyMetrics(for release: String) async -> ProxyMetrics? { nil }
    func state() async -> TargetState { TargetState() }
}

/// Freeze windows are checked again right before traffic moves: a window that began after the
/// gate opened holds the canary where it is until it ends, or until someone of a break-glass
/// group overrides this occurrence of it.
@Suite("freeze windows hold traffic moves", .serialized)
struct FreezeHoldTests {
    static let weekend = FreezeWindow(
        from: .weekly(weekday: 5, hour: 17, minute: 0), to: .weekly(weekday: 1, hour: 8, minute: 0),
        timeZone: "Europe/Berlin", reason: "no weekend releases"
    )
    static let release = ReleaseBinding(commitSHA: String(repeating: "a", count: 40), artifacts: [:], modelDigest: nil)

    /// Drives a promotion whose only step is `set weight 50`, at `start`, with the decisions
    /// `decisions(sleeps)` seen after that many of the driver's sleeps; returns the moves, the
    /// notes the step recorded and the status.
    static func drive(
        from start: Date, decisions: @escaping @Sendable (Int) -> [GateDecision]
    ) async throws -> (moves: [String], notes: [String], status: PromotionStatus, sleeps: Int) {
        let outcome = Locked<(moves: [String], notes: [String], status: PromotionStatus, sleeps: Int)?>(nil)
        try await TestDatabase.withFreshDatabase { (configuration: DatabaseConfiguration) in
            let clock = ManualClock(start)
            try await Ledger.withLedger(configuration, logger: TestDatabase.logger, now: { clock.now }) { ledger in
                let promotion = try await ledger.transaction { tx in
                    let run = try await tx.createRun(NewRun(
                        pipeline: "model-serve", commitSHA: String(repeating: "a", count: 40), branch: "main", trigger: .manual,
                        triggeredBy: "ci"
                    )).run
                    return try await tx.createPromotion(run: run, environment: "prod", releaseID: "r1", strategy: "canary", actor: "ci")
                }
                let sleeps = Locked(0)
                let requirements = GateRequirements(afterStage: nil, freeze: [weekend], breakGlass: BreakGlassPolicy(groups: ["sre-oncall"]))
                let environment = EnvironmentSpec(
                    metadata: SpecMetadata(name: "prod"), location: .start(of: "environments/prod.yaml"), order: 1, target: .local(port: 1),
                    freeze: [weekend], breakGlass: BreakGlassPolicy(groups: ["sre-oncall"])
                )
                let gate = GateSource(
                    environment: environment, requirements: requirements,
                    facts: { _, _ in
                        GateFacts(previousStageSucceededAt: nil, release: release, decisions: decisions(sleeps.withLockedValue { $0 }))
                    },
                    listening: { _, body in try await body { _ in false } }
                )
                let target = RecordingTarget()
                let driver = PromotionDriver(
                    ledger: ledger, registry: .standard, target: target, actor: "test", logger: TestDatabase.logger,
                    now: { clock.now },
                    sleep: { duration in
                        let count = sleeps.withLockedValue { $0 += 1; return $0 }
                        guard count < 50 else { throw CancellationError() }
                        clock.advance(by: Double(duration.components.seconds))
                    }
                )
                let pipeline = PipelineSpec(
                    metadata: SpecMetadata(name: "model-serve"), location: .start(of: "pipelines/model-serve.yaml"),
                    source: SourceFilter(branch: "main"), stages: []
                )
                let services = StepServices(
                    pipeline: pipeline,
                    launch: ReleaseLaunch(
                        releaseID: "r1", commitSHA: String(repeating: "a", count: 40), executable: "/bin/false", model: "m",
                        ollamaEndpoints: [], keysFile: "/nonexistent"
                    ),
                    gate: gate
                )
                let plan = [PlannedStep(kind: .setWeight, name: "set weight 50", config: .object(["weight": .number(50)]))]
                let status = try await driver.drive(promotionID: promotion.id, plan: plan, services: services)
                let notes = try await TestDatabase.column(
                    "SELECT payload::jsonb->>'note' FROM events WHERE kind = 'step.waiting' ORDER BY seq", on: configuration
                ).compactMap { $0 }
                let result = (target.recorded, notes, status, sleeps.withLockedValue { $0 })
                outcome.withLockedValue { $0 = result }
            }
        }
        return try #require(outcome.withLockedValue { $0 })
    }

    @Test("a freeze that holds when the canary's weight would move keeps it until the window ends, then moves it")
    func heldUntilTheWindowEnds() async throws {
        // Monday 07:59 in Berlin (06:59 UTC, CET): a minute of the weekend freeze left.
        let result = try await Self.drive(from: GateFixturesForEngine.instant("2026-03-23T06:59:00Z")) { _ in [] }
        #expect(result.status == .succeeded)
        #expect(result.moves == ["weight 50"])
        #expect(result.notes.first?.contains("frozen until Mon 08:00 Europe/Berlin (no weekend releases): traffic stays where it is") == true, "\(result.notes)")
    }

    @Test("break glass given during this occurrence of the window lifts it; one given last weekend does not")
    func liftedByBreakGlass() async throws {
        let saturday = GateFixturesForEngine.instant("2026-03-21T11:00:00Z")
        let lastWeekend = saturday.addingTimeInterval(-7 * 86_400)
        let result = try await Self.drive(from: saturday) { sleeps in
            var decisions = [GateDecision(
                user: "sam", groups: ["sre-oncall"], verdict: .approved, release: Self.release, at: lastWeekend, breakGlassReason: "last week's hotfix"
            )]
            if sleeps >= 2 {
                decisions.append(GateDecision(
                    user: "sam", groups: ["sre-oncall"], verdict: .approved, release: Self.release, at: saturday, breakGlassReason: "CVE fix"
                ))
            }
            return decisions
        }
        #expect(result.status == .succeeded)
        #expect(result.moves == ["weight 50"])
        // Held until the second look (last weekend's override lifted nothing), then moved.
        #expect(result.notes.count == 1 && result.notes[0].contains("frozen until Mon 08:00"), "\(result.notes)")
        #expect(result.sleeps == 2)
    }
}

/// A value behind a lock.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLockedValue<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
}

enum GateFixturesForEngine {
    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
}
