import AsyncHTTPClient
import Foundation
import Logging
import ModelServe
import NIOCore
import SlipwayCore
import SlipwayEngine
import SlipwayLedger
import SlipwaySystem
import SlipwayTargets
import SlipwayTestSupport
import Testing

/// The driver with everything real: PostgreSQL, HAProxy, model-serve slots, ollama-sim.
/// Time is a manual clock; "sleeping" moves it (and, during analyses, sends traffic).
@Suite("Promotion driver", .serialized)
struct PromotionDriverTests {
    static let pipelineYAML = """
        apiVersion: slipway/v1
        kind: Pipeline
        metadata: { name: model-serve }
        spec:
          source: { branch: main, paths: ["**"] }
          build:
            - { name: model-serve, run: ["true"], produces: { binary: "model-serve" } }
          checks:
            smoke:
              smoke:
                - { name: ready, path: /ready, expect: { status: 200 } }
                - name: generate
                  method: POST
                  path: /v1/generate
                  body: { prompt: "Say hello.", temperature: 0, max_tokens: 4 }
                  expect: { status: 200, json: { "$.done": true } }
          analyses:
            errors:
              interval: 10s
              samples: 3
              failureLimit: 0
              metrics:
                - { name: error-rate, query: "modelserve_error_ratio", max: 0.05 }
                - { name: proxy-error-rate, query: "haproxy_server_error_ratio", max: 0.05 }
          stages:
            - environment: dev
              strategy: { blueGreen: { previewChecks: [smoke], scaleDownDelay: 30s } }
              checks: [smoke]
            - environment: staging
              strategy:
                canary:
                  steps: [ { setWeight: 50 }, { analysis: errors }, { pause: 1m }, { setWeight: 100 } ]
              checks: [smoke]
        """

    static func pipeline() throws -> PipelineSpec {
        let environments = ["dev", "staging"].enumerated().map { index, name in
            SpecFile(path: "environments/\(name).yaml", contents: """
                apiVersion: slipway/v1
                kind: Environment
                metadata: { name: \(name) }
                spec: { order: \(index + 1), target: { local: { port: \(18_500 + index) } } }
                """)
        }
        let loaded = SpecLoader.load([SpecFile(path: "pipelines/model-serve.yaml", contents: pipelineYAML)] + environments)
        guard case .success(let specs) = loaded else { throw SpecProblem(description: "\(loaded)") }
        return try #require(specs.pipeline(named: "model-serve"))
    }

    struct SpecProblem: Error, CustomStringConvertible { var description: String }

    /// A local environment, a keys file with a key, two simulators (a healthy one, and one whose
    /// every generation fails), and a migrated ledger; everything stopped afterwards.
    struct World {
        var ledger: Ledger
        var target: LocalReleaseTarget
        var keysFile: String
        var key: String
        /// A second key for the tests' own traffic, so it does not spend the smoke checks' rate limit.
        var trafficKey: String
        var healthySim: BackgroundProcess
        var failingSim: BackgroundProcess
        var clock: ManualClock

        func launch(_ release: String, sim: BackgroundProcess, executable: String? = nil) throws -> ReleaseLaunch {
            ReleaseLaunch(
                releaseID: release, commitSHA: String(repeating: "a", count: 40),
                executable: try executable ?? BuiltExecutable.path(named: "model-serve"), model: "sim-small",
                ollamaEndpoints: ["http://127.0.0.1:\(sim.port)"], keysFile: keysFile
            )
        }

        /// Creates a run and a promotion of `release` to `environment`, and drives it.
        func promote(
            _ release: String, to environment: String, sim: BackgroundProcess, commit: Int, executable: String? = nil,
            sleep: (@Sendable (Duration) async throws -> Void)? = nil,
            progress: @escaping @Sendable (PromotionProgress) -> Void = { _ in }
        ) async throws -> (PromotionStatus, PromotionRecord) {
            let pipeline = try PromotionDriverTests.pipeline()
            let stage = try #require(pipeline.stages.first { $0.environment == environment })
            let promotion = try await ledger.transaction { tx in
                let run = try await tx.createRun(NewRun(
                    pipeline: "model-serve", commitSHA: String(format: "%040x", commit), branch: "main", trigger: .manual, triggeredBy: "test"
                )).run
                return try await tx.createPromotion(
                    run: run, environment: environment, releaseID: release, strategy: stage.strategy.name, actor: "test"
                )
            }
            let clock = self.clock
            let sleeper: @Sendable (Duration) async throws -> Void = sleep ?? { duration in
                clock.advance(by: Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
            }
            let services = StepServices(
                pipeline: pipeline, launch: try launch(release, sim: sim, executable: executable), smokeHeaders: ["Authorization": "Bearer \(key)"],
                sleep: sleeper
            )
            let driver = PromotionDriver(
                ledger: ledger, registry: .standard, target: target, actor: "test", logger: TestDatabase.logger,
                now: { clock.now }, sleep: sleeper, progress: progress
            )
            let status = try await driver.drive(
                promotionID: promotion.id, plan: PromotionPlanner.steps(for: stage, in: pipeline), services: services
            )
            let record = try await ledger.transaction { tx in try await tx.promotion(id: promotion.id) }
            return (status, try #require(record))
        }

        /// A "sleep" that sends `requests` generate requests through the environment, then moves
        /// the manual clock on by the duration: time passing with traffic, for analyses.
        func trafficSleep(requests: Int) -> @Sendable (Duration) async throws -> Void {
            { duration in
                await sendTraffic(requests)
                clock.advance(by: Double(duration.components.seconds))
            }
        }

        /// Drives the existing promotion `promotionID` of `release` with a new driver, as a runner
        /// resuming it does. `sleep` (when given) is the driver's and the steps'; else the driver
        /// does not wait and the steps sleep for real.
        func resume(
            _ promotionID: Int64, release: String, in environment: String,
            sleep: (@Sendable (Duration) async throws -> Void)? = nil
        ) async throws -> PromotionStatus {
            let pipeline = try PromotionDriverTests.pipeline()
            let stage = try #require(pipeline.stages.first { $0.environment == environment })
            let clock = self.clock
            let driver = PromotionDriver(
                ledger: ledger, registry: .standard, target: target, actor: "test", logger: TestDatabase.logger,
                now: { clock.now }, sleep: sleep ?? { _ in }
            )
            let services = if let sleep {
                StepServices(
                    pipeline: pipeline, launch: try launch(release, sim: healthySim),
                    smokeHeaders: ["Authorization": "Bearer \(key)"], sleep: sleep
                )
            } else {
                StepServices(
                    pipeline: pipeline, launch: try launch(release, sim: healthySim), smokeHeaders: ["Authorization": "Bearer \(key)"]
                )
            }
            return try await driver.drive(
                promotionID: promotionID, plan: PromotionPlanner.steps(for: stage, in: pipeline), services: services
            )
        }

        /// Whether the unfinished promotion to `environment` is at a running pause step.
        func pauseIsRunning(in environment: String) async throws -> Bool {
            guard let promotion = try await ledger.transaction({ tx in try await tx.unfinishedPromotions(environment: environment) }).first
            else { return false }
            let current = try await ledger.transaction { tx in try await tx.steps(promotionID: promotion.id) }.first { !$0.status.isFinished }
            return current?.kind == "pause" && current?.status == .running
        }

        func liveRelease() async throws -> String? {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: target.liveURL + "/version"), timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 1 << 16)
            return (try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])?["release_id"] as? String
        }

        /// Sends `count` generate requests through the environment's address.
        func sendTraffic(_ count: Int) async {
            for _ in 0..<count {
                var request = HTTPClientRequest(url: target.liveURL + "/v1/generate")
                request.method = .POST
                request.headers.add(name: "Authorization", value: "Bearer \(trafficKey)")
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: #"{"prompt": "hi", "max_tokens": 2}"#))
                if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(5)) {
                    _ = try? await response.body.collect(upTo: 1 << 20)
                }
            }
        }
    }

    static func withWorld(_ body: (World) async throws -> Void) async throws {
        try await TestDatabase.withFreshDatabase { (configuration: DatabaseConfiguration) in
            let clock = ManualClock()
            try await Ledger.withLedger(configuration, logger: TestDatabase.logger, now: { clock.now }) { ledger in
                let scratch = try TemporaryDirectory(prefix: "engine")
                let keysFile = scratch.path("keys.json")
                let key = try APIKeyStore(path: keysFile).create(name: "slipway-smoke", scopes: ["*"]).plaintextKey
                let trafficKey = try APIKeyStore(path: keysFile).create(name: "traffic", scopes: ["*"]).plaintextKey
                let environment = LocalEnvironment(
                    name: "env", directory: scratch.path("local/env"), listenPort: try LoopbackPort.free(),
                    statsPort: try LoopbackPort.free()
                )
                let sim = try BuiltExecutable.path(named: "ollama-sim")
                try await BackgroundProcess.withProcess(executable: sim, arguments: ["--port", "0", "--token-delay-ms", "0"]) { healthy in
                    try await BackgroundProcess.withProcess(
                        executable: sim, arguments: ["--port", "0", "--token-delay-ms", "0", "--error-rate", "sim-small=1"]
                    ) { failing in
                        let world = World(
                            ledger: ledger, target: LocalReleaseTarget(environment: environment), keysFile: keysFile, key: key,
                            trafficKey: trafficKey,
                            healthySim: healthy, failingSim: failing, clock: clock
                        )
                        do {
                            try await body(world)
                        } catch {
                            await environment.down()
                            throw error
                        }
                        await environment.down()
                    }
                }
            }
        }
    }

    @Test("blue/green: the first release and the next go live after their checks; the old slot stays for the delay, then stops")
    func blueGreenPromotions() async throws {
        try await Self.withWorld { world in
            let (first, _) = try await world.promote("r1", to: "dev", sim: world.healthySim, commit: 1)
            #expect(first == .succeeded)
            #expect(try await world.liveRelease() == "r1")

            let (second, record) = try await world.promote("r2", to: "dev", sim: world.healthySim, commit: 2)
            #expect(second == .succeeded)
            #expect(try await world.liveRelease() == "r2")
            let state = await world.target.state()
            #expect(state.stable?.releaseID == "r2" && state.stable?.weight == 100)
            #expect(state.previous == nil && state.candidate == nil)

            let steps = try await world.ledger.transaction { tx in try await tx.steps(promotionID: record.id) }
            #expect(steps.map(\.kind) == ["deploy", "smoke", "switch", "smoke", "retire"])
            #expect(steps.allSatisfy { $0.status == .succeeded })
            #expect(steps[1].result?["passed"] == .bool(true))
            #expect(try await world.ledger.verifyChain().isIntact)
        }
    }

    /// The first sample's `proxy-error-rate` measurement in an analysis step's evidence.
    static func proxyErrorRatio(in step: StepRecord) -> Double? {
        guard case .array(let samples)? = step.result?["samples"], case .object(let sample)? = samples.first,
              case .array(let measurements)? = sample["measurements"]
        else { return nil }
        for case .object(let measurement) in measurements where measurement["metric"] == .string("proxy-error-rate") {
            if case .number(let value)? = measurement["value"] { return value }
        }
        return nil
    }

    @Test("canary: weight, analysis, pause and promotion; a canary whose model fails is caught by the analysis and rolled back")
    func canaryPromotionAndAbort() async throws {
        try await Self.withWorld { world in
            let traffic = world.trafficSleep(requests: 20)
            let (first, firstRecord) = try await world.promote("r1", to: "staging", sim: world.healthySim, commit: 1, sleep: traffic)
            #expect(first == .succeeded, "\(firstRecord.reason ?? "")")
            let (second, secondRecord) = try await world.promote("r2", to: "staging", sim: world.healthySim, commit: 2, sleep: traffic)
            #expect(second == .succeeded, "\(secondRecord.reason ?? "")")
            #expect(try await world.liveRelease() == "r2")

            // r3's slot talks to the simulator whose generations all fail.
            let (third, record) = try await world.promote("r3", to: "staging", sim: world.failingSim, commit: 3, sleep: traffic)
            #expect(third == .rolledBack)
            #expect(record.reason?.hasPrefix("analysis errors: 1 of 1 samples failed") == true, "\(record.reason ?? "")")
            #expect(try await world.liveRelease() == "r2")
            let state = await world.target.state()
            #expect(state.stable?.releaseID == "r2" && state.stable?.weight == 100)
            #expect(state.candidate == nil)

            let steps = try await world.ledger.transaction { tx in try await tx.steps(promotionID: record.id) }
            #expect(steps.map(\.status) == [.succeeded, .succeeded, .failed, .skipped, .skipped, .skipped, .skipped, .skipped])
            // HAProxy's exporter saw the canary's server answer 5xx; it saw r2's answer none.
            #expect(Self.proxyErrorRatio(in: steps[2]).map { $0 > 0.5 } == true, "\(String(describing: steps[2].result))")
            let healthy = try await world.ledger.transaction { tx in try await tx.steps(promotionID: secondRecord.id) }
            let healthyAnalysis = try #require(healthy.first { $0.kind == "analysis" })
            #expect(Self.proxyErrorRatio(in: healthyAnalysis) == 0, "\(String(describing: healthyAnalysis.result))")
            let events = try await world.ledger.events(subject: "promotion/\(record.id)").map(\.kind)
            #expect(events.last == "promotion.status")
            let restored = try #require(events.firstIndex(of: "promotion.traffic_restored"), "no traffic_restored event: \(events)")
            #expect(restored < events.count - 1, "traffic was restored before the promotion was recorded as rolled back")
        }
    }

    @Test("a driver stopped during a pause is resumed by another: finished steps are not repeated, the pause is not restarted")
    func resumeAfterInterruption() async throws {
        try await Self.withWorld { world in
            let traffic = world.trafficSleep(requests: 5)
            _ = try await world.promote("r1", to: "staging", sim: world.healthySim, commit: 1, sleep: traffic)

            // The first driver dies (its task is cancelled) the moment it starts waiting in the pause.
            let interrupted = Task {
                try await world.promote("r2", to: "staging", sim: world.healthySim, commit: 2, sleep: { duration in
                    if try await world.pauseIsRunning(in: "staging") { throw CancellationError() }
                    try await traffic(duration)
                })
            }
            _ = await interrupted.result
            let promotion = try #require(try await world.ledger.transaction { tx in
                try await tx.promotion(id: 2)
            })
            #expect(promotion.status == .progressing)
            let before = try await world.ledger.transaction { tx in try await tx.steps(promotionID: promotion.id) }
            #expect(before.map(\.status) == [.succeeded, .succeeded, .succeeded, .running, .pending, .pending, .pending, .pending])
            let weightEvents = try await world.ledger.events(subject: "promotion/\(promotion.id)").filter { $0.kind == "step.started" }.count

            // A second driver picks the promotion up from the ledger.
            let status = try await world.resume(promotion.id, release: "r2", in: "staging", sleep: traffic)
            #expect(status == .succeeded)
            let after = try await world.ledger.transaction { tx in try await tx.steps(promotionID: promotion.id) }
            #expect(after.allSatisfy { $0.status == .succeeded })
            #expect(after[3].attempt == 1, "the pause was resumed, not restarted")
            let started = try await world.ledger.events(subject: "promotion/\(promotion.id)").filter { $0.kind == "step.started" }.count
            #expect(started == weightEvents + 4, "only the four steps after the pause started anew")
            #expect(try await world.liveRelease() == "r2")
        }
    }

    @Test("a runner that died after recording a failed step, before rolling back, is followed by one that rolls back and runs nothing after it")
    func failedStepIsRolledBackOnResume() async throws {
        try await Self.withWorld { world in
            _ = try await world.promote("r1", to: "dev", sim: world.healthySim, commit: 1)
            let pipeline = try PromotionDriverTests.pipeline()
            let stage = try #require(pipeline.stages.first { $0.environment == "dev" })
            let plan = PromotionPlanner.steps(for: stage, in: pipeline)
            // What the dead runner left: r2 deployed as the candidate, its preview check recorded failed.
            let (promotion, steps) = try await world.ledger.transaction { tx in
                let run = try await tx.createRun(NewRun(
                    pipeline: "model-serve", commitSHA: String(format: "%040x", 2), branch: "main", trigger: .manual, triggeredBy: "test"
                )).run
                let promotion = try await tx.createPromotion(run: run, environment: "dev", releaseID: "r2", strategy: "blueGreen", actor: "test")
                _ = try await tx.movePromotion(id: promotion.id, to: .progressing, actor: "test")
                return (promotion, try await tx.planSteps(promotionID: promotion.id, plan, actor: "test"))
            }
            _ = try await world.target.deploy(try world.launch("r2", sim: world.healthySim))
            try await world.ledger.transaction { tx in
                _ = try await tx.startStep(id: steps[0].id, actor: "test")
                _ = try await tx.finishStep(id: steps[0].id, status: .succeeded, result: nil, actor: "test")
                _ = try await tx.startStep(id: steps[1].id, actor: "test")
                _ = try await tx.finishStep(id: steps[1].id, status: .failed, result: nil, note: "generate: status 500", actor: "test")
            }

            let status = try await world.resume(promotion.id, release: "r2", in: "dev")
            #expect(status == .rolledBack)
            #expect(try await world.liveRelease() == "r1")
            let state = await world.target.state()
            #expect(state.candidate == nil && state.stable?.releaseID == "r1")
            let after = try await world.ledger.transaction { tx in try await tx.steps(promotionID: promotion.id) }
            #expect(after.map(\.status) == [.succeeded, .failed, .skipped, .skipped, .skipped])
            let record = try await world.ledger.transaction { tx in try await tx.promotion(id: promotion.id) }
            #expect(record?.reason?.contains("generate: status 500") == true)
        }
    }

    @Test("a retire step that failed after the switch leaves the new release live: the promotion succeeds, nothing rolls back")
    func failedRetireKeepsTheReleaseLive() async throws {
        try await Self.withWorld { world in
            _ = try await world.promote("r1", to: "dev", sim: world.healthySim, commit: 1)
            // r2 goes live; its runner is stopped while the retire step keeps r1 for the 30 s delay.
            let clock = world.clock
            let stopAtRetire: @Sendable (Duration) async throws -> Void = { duration in
                if duration >= .seconds(10) { throw CancellationError() }
                clock.advance(by: Double(duration.components.seconds))
            }
            await #expect(throws: CancellationError.self) {
                _ = try await world.promote("r2", to: "dev", sim: world.healthySim, commit: 2, sleep: stopAtRetire)
            }
            #expect(try await world.liveRelease() == "r2")
            let promotion = try #require(try await world.ledger.transaction { tx in try await tx.unfinishedPromotions(environment: "dev") }.first)
            let steps = try await world.ledger.transaction { tx in try await tx.steps(promotionID: promotion.id) }
            let retire = try #require(steps.last)
            #expect(retire.kind == "retire" && !retire.status.isFinished)
            // What a runner leaves when stopping r1 failed on every attempt.
            _ = try await world.ledger.transaction { tx in
                try await tx.finishStep(
                    id: retire.id, status: .failed, result: nil,
                    note: "the previous release could not be stopped: the slot did not drain", actor: "test"
                )
            }

            let status = try await world.resume(promotion.id, release: "r2", in: "dev")
            #expect(status == .succeeded)
            #expect(try await world.liveRelease() == "r2", "traffic was moved off the live release")
            let state = await world.target.state()
            #expect(state.stable?.releaseID == "r2" && state.stable?.weight == 100)
            let record = try await world.ledger.transaction { tx in try await tx.promotion(id: promotion.id) }
            #expect(record?.reason?.contains("could not be stopped") == true)
            let events = try await world.ledger.events(subject: "promotion/\(promotion.id)").map(\.kind)
            #expect(events.contains("promotion.cleanup_failed"))
            #expect(!events.contains("promotion.traffic_restored"))
        }
    }

    @Test("slipway abort during a canary's pause: the runner sees the step failed at its next check and rolls traffic back")
    func abortDuringAPause() async throws {
        try await Self.withWorld { world in
            let traffic = world.trafficSleep(requests: 20)
            let (first, _) = try await world.promote("r1", to: "staging", sim: world.healthySim, commit: 1, sleep: traffic)
            #expect(first == .succeeded)
            // r2 is healthy; on-call aborts it anyway while it pauses at half the traffic.
            let aborts = AbortLog()
            let abortAtPause: @Sendable (Duration) async throws -> Void = { duration in
                // Once the pause is running (its driver wakes every 5 s to look), on-call aborts.
                if aborts.all.isEmpty, try await world.pauseIsRunning(in: "staging") {
                    aborts.append(try await PromotionAbort(ledger: world.ledger, actor: "oncall")
                        .abort(environment: "staging", reason: "p99 looks wrong on the dashboard"))
                }
                try await traffic(duration)
            }
            let (second, record) = try await world.promote("r2", to: "staging", sim: world.healthySim, commit: 2, sleep: abortAtPause)
            let aborted = try #require(aborts.all.first)
            #expect(aborted.promotion.id == record.id && aborted.step?.kind == "pause")
            #expect(second == .rolledBack)
            #expect(record.reason?.contains("aborted by oncall: p99 looks wrong on the dashboard") == true, "\(record.reason ?? "")")
            #expect(try await world.liveRelease() == "r1")
            let state = await world.target.state()
            #expect(state.stable?.releaseID == "r1" && state.stable?.weight == 100 && state.candidate == nil)
            let steps = try await world.ledger.transaction { tx in try await tx.steps(promotionID: record.id) }
            let pause = try #require(steps.first { $0.kind == "pause" })
            #expect(pause.status == .failed && pause.logTail == "aborted by oncall: p99 looks wrong on the dashboard")
            // Seen at the pause's next look (every 5 s), not when its minute was up.
            let pausedFor = (pause.finishedAt ?? .distantFuture).timeIntervalSince(pause.startedAt ?? .distantPast)
            #expect(pausedFor <= 10, "the abort took effect after \(pausedFor) s of the 60 s pause")
            #expect(steps.drop { $0.id != pause.id }.dropFirst().allSatisfy { $0.status == .skipped })

            // Nothing left to abort.
            await #expect(throws: LedgerError.self) {
                try await PromotionAbort(ledger: world.ledger, actor: "oncall").abort(environment: "staging", reason: "again")
            }
        }
    }
}

/// What the test's sleep hook aborted (it runs inside the driver's task).
final class AbortLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [PromotionAbort.Aborted] = []  // guarded by `lock`
    var all: [PromotionAbort.Aborted] { lock.withLock { items } }
    func append(_ item: PromotionAbort.Aborted) { lock.withLock { items.append(item) } }
}
