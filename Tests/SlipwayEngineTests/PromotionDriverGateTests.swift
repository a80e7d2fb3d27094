import Foundation
import SlipwayCore
import SlipwayEngine
import SlipwayLedger
import SlipwaySystem
import SlipwayTargets
import SlipwayTestSupport
import Testing

/// The driver at a gate with the real ledger: it waits for approvals by policy, opens when the
/// deciding approval is committed (LISTEN slipway_gates), and fails on a rejection.
@Suite("Promotion driver at a gate", .serialized)
struct PromotionDriverGateTests {
    static let specFiles = [
        SpecFile(path: "pipelines/model-serve.yaml", contents: """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: model-serve }
            spec:
              source: { branch: main, paths: ["**"] }
              build:
                - { name: model-serve, run: ["true"], produces: { binary: "model-serve" } }
              model: { name: sim-small }
              stages:
                - environment: dev
                  strategy: { blueGreen: {} }
                - environment: staging
                  after: { stage: dev, approval: true }
                  strategy: { blueGreen: {} }
            """),
        SpecFile(path: "environments/dev.yaml", contents: """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: dev }
            spec: { order: 1, target: { local: { port: 18600 } } }
            """),
        SpecFile(path: "environments/staging.yaml", contents: """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: staging }
            spec:
              order: 2
              target: { local: { port: 18601 } }
              approvals: { required: 1, approvers: ["group:release-managers"], forbidSelfApproval: true }
            """),
    ]

    struct World {
        var ledger: Ledger
        var configuration: DatabaseConfiguration
        var pipeline: PipelineSpec
        var staging: EnvironmentSpec
        var driver: PromotionDriver
        var services: StepServices

        /// A run of commit `commit` (Ada's, started by ci) that went through dev; its promotion to staging.
        func releaseAtStaging(commit: Int) async throws -> PromotionRecord {
            try await ledger.transaction { tx in
                let run = try await tx.createRun(NewRun(
                    pipeline: "model-serve", commitSHA: String(format: "%040x", commit), branch: "main", trigger: .manual,
                    triggeredBy: "ci", commitAuthor: "Ada <ada@example.com>"
                )).run
                let dev = try await tx.createPromotion(run: run, environment: "dev", releaseID: "r\(commit)", strategy: "blueGreen", actor: "ci")
                try await tx.movePromotion(id: dev.id, to: .progressing, actor: "ci")
                try await tx.movePromotion(id: dev.id, to: .succeeded, actor: "ci")
                return try await tx.createPromotion(run: run, environment: "staging", releaseID: "r\(commit)", strategy: "blueGreen", actor: "ci")
            }
        }

        /// Drives the promotion's gate in the background.
        func driveGate(_ promotion: PromotionRecord) -> Task<PromotionStatus, any Error> {
            let stage = pipeline.stages[1]
            let (driver, services, pipeline) = (driver, services, pipeline)
            return Task {
                try await driver.drive(
                    promotionID: promotion.id, plan: PromotionPlanner.steps(for: stage, in: pipeline), services: services,
                    stoppingAfterGate: true
                )
            }
        }

        /// Waits until the promotion's gate has run once: it has recorded what it requires, which
        /// it does while listening for decisions.
        func waitUntilGateListens(_ promotion: PromotionRecord) async throws -> Bool {
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                if try await ledger.transaction({ tx in try await tx.gateRequirements(promotionID: promotion.id) }) != nil { return true }
                try await Task.sleep(for: .milliseconds(20))
            }
            return false
        }

        /// Waits until the promotion's gate says it waits for `text`.
        func waitUntilGateSays(_ text: String, promotion: PromotionRecord) async throws -> StepRecord? {
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                let gate = try await ledger.transaction { tx in try await tx.steps(promotionID: promotion.id) }.first
                if let gate, gate.logTail?.contains(text) == true { return gate }
                try await Task.sleep(for: .milliseconds(20))
            }
            return nil
        }

        func decide(_ token: APITokenRecord, _ verdict: GateDecision.Verdict, comment: String? = nil, promotion: PromotionRecord) async throws {
            _ = try await ledger.transaction { tx in
                try await tx.recordGateDecision(
                    promotionID: promotion.id,
                    GateDecisionRequest(user: token.user, groups: Set(token.groups), verdict: verdict, comment: comment),
                    token: token
                )
            }
        }
    }

    static func withWorld(decisionWait: Duration = .seconds(1), _ body: (World) async throws -> Void) async throws {
        guard case .success(let specs) = SpecLoader.load(specFiles),
              let pipeline = specs.pipeline(named: "model-serve"), let staging = specs.environment(named: "staging")
        else {
            Issue.record("the specs do not load")
            return
        }
        try await TestDatabase.withFreshDatabase { (configuration: DatabaseConfiguration) in
            try await Ledger.withLedger(configuration, logger: TestDatabase.logger) { ledger in
                let scratch = try TemporaryDirectory(prefix: "gate")
                let environment = LocalEnvironment(
                    name: "staging", directory: scratch.path("local/staging"), listenPort: try LoopbackPort.free(),
                    statsPort: try LoopbackPort.free()
                )
                let driver = PromotionDriver(
                    ledger: ledger, registry: .standard, target: LocalReleaseTarget(environment: environment), actor: "test",
                    logger: TestDatabase.logger
                )
                let services = StepServices(
                    pipeline: pipeline,
                    launch: ReleaseLaunch(
                        releaseID: "r", commitSHA: String(repeating: "0", count: 40), executable: "/bin/false", model: "sim-small",
                        ollamaEndpoints: [], keysFile: scratch.path("keys.json")
                    ),
                    gate: .ledger(ledger, environment: staging, actor: "test", decisionWait: decisionWait)
                )
                try await body(World(ledger: ledger, configuration: configuration, pipeline: pipeline, staging: staging, driver: driver, services: services))
            }
        }
    }

    /// Each run of the gate here listens for a minute before it looks again, so a gate that
    /// opens within seconds heard the decision (NOTIFY) rather than finding it at its next look.
    /// How fast that is, is measured by scripts/bench-approval.sh, not asserted here.
    static let longListen: Duration = .seconds(60)

    @Test("the gate waits for a release manager and opens when the deciding approval is committed, not at its next look")
    func approvalOpensTheGateAtOnce() async throws {
        try await Self.withWorld(decisionWait: Self.longListen) { world in
            let grace = try await world.ledger.transaction { tx in
                try await tx.createToken(user: "grace", groups: ["release-managers"], expiresAt: nil, actor: "admin").record
            }
            // Approved at once, and after the gate has listened a while.
            for (round, offset) in [(1, 0), (2, 700)] {
                let promotion = try await world.releaseAtStaging(commit: round)
                let gate = world.driveGate(promotion)
                #expect(try await world.waitUntilGateListens(promotion), "round \(round): the gate never ran")
                try await Task.sleep(for: .milliseconds(offset))
                try await world.decide(grace, .approved, promotion: promotion)
                let approvedAt = ContinuousClock.now
                let status = try await gate.value
                let moved = ContinuousClock.now - approvedAt
                #expect(status == .waiting, "round \(round): stoppingAfterGate returns once the gate has opened")
                #expect(moved < Self.longListen / 2, "round \(round): the gate opened \(moved) after the approval: it did not hear it")
                let step = try await world.ledger.transaction { tx in try await tx.steps(promotionID: promotion.id) }.first
                #expect(step?.status == .succeeded)
                #expect(step?.result?["approvedBy"] == .array([.string("grace")]))
            }
        }
    }

    @Test("an approvals row written by SQL, with no event, is not counted: the gate keeps waiting and its note says it ignored it")
    func unboundApprovalIsIgnored() async throws {
        try await Self.withWorld { world in
            let promotion = try await world.releaseAtStaging(commit: 11)
            let gate = world.driveGate(promotion)
            #expect(try await world.waitUntilGateListens(promotion), "the gate never ran")
            let release = try await world.ledger.transaction { tx in
                try await tx.gateFacts(promotionID: promotion.id, requirements: GateRequirements(afterStage: "dev")).release
            }
            try await TestDatabase.execute("""
                INSERT INTO approvals (promotion_id, approver, approver_groups, decision, release, release_digest, created_at)
                VALUES (\(promotion.id), 'mallory', '{release-managers}', 'approved', '\(EventChain.canonicalJSON(release.json))', '\(release.digest)', now())
                """, on: world.configuration)
            let waiting = try await world.waitUntilGateSays("ignored (no event in the chain records them): ", promotion: promotion)
            #expect(waiting?.status == .running, "\(String(describing: waiting))")
            #expect(waiting?.logTail?.contains("approvals: 0 of 1") == true, "\(String(describing: waiting?.logTail))")
            gate.cancel()
            _ = try? await gate.value
        }
    }

    @Test("a gate marked succeeded by SQL opens nothing: the waiting driver, and one started afresh, fail the promotion with nothing moved")
    func gateSucceededBySQLIsRefused() async throws {
        try await Self.withWorld { world in
            for round in 1...2 {
                let promotion = try await world.releaseAtStaging(commit: 20 + round)
                let gate = world.driveGate(promotion)
                #expect(try await world.waitUntilGateListens(promotion), "the gate never ran")
                if round == 2 {
                    // The runner is gone when the row is changed; the next one starts from the ledger.
                    gate.cancel()
                    _ = try? await gate.value
                }
                try await TestDatabase.execute("""
                    UPDATE promotion_steps SET status = 'succeeded', finished_at = now()
                    WHERE promotion_id = \(promotion.id) AND kind = 'gate'
                    """, on: world.configuration)
                let status = round == 1 ? try await gate.value : try await world.driveGate(promotion).value
                #expect(status == .failed, "round \(round)")
                let record = try await world.ledger.transaction { tx in try await tx.promotion(id: promotion.id) }
                #expect(record?.reason?.contains("marked succeeded in the ledger, but no event of the chain records it") == true, "\(String(describing: record?.reason))")
                let steps = try await world.ledger.transaction { tx in try await tx.steps(promotionID: promotion.id) }
                #expect(steps.dropFirst().allSatisfy { $0.status != .succeeded }, "round \(round): a step after the gate ran")
            }
        }
    }

    @Test("a gate nobody decides on says what it waits for after each look")
    func waitingGateSaysWhy() async throws {
        try await Self.withWorld { world in
            let promotion = try await world.releaseAtStaging(commit: 9)
            let gate = world.driveGate(promotion)
            let waiting = try await world.waitUntilGateSays("approvals: 0 of 1 (needs group release-managers)", promotion: promotion)
            #expect(waiting?.status == .running, "the gate never waited: \(String(describing: waiting))")
            gate.cancel()
            _ = try? await gate.value
        }
    }

    @Test("a rejection fails the promotion when it is committed, with who and why, and nothing after the gate runs")
    func rejectionFailsThePromotion() async throws {
        try await Self.withWorld(decisionWait: Self.longListen) { world in
            let margaret = try await world.ledger.transaction { tx in
                try await tx.createToken(user: "margaret", groups: ["release-managers"], expiresAt: nil, actor: "admin").record
            }
            let promotion = try await world.releaseAtStaging(commit: 7)
            let gate = world.driveGate(promotion)
            #expect(try await world.waitUntilGateListens(promotion), "the gate never ran")
            try await world.decide(margaret, .rejected, comment: "the error budget is spent", promotion: promotion)
            let rejectedAt = ContinuousClock.now
            let status = try await gate.value
            #expect(ContinuousClock.now - rejectedAt < Self.longListen / 2, "the gate did not hear the rejection")
            #expect(status == .failed)
            let record = try await world.ledger.transaction { tx in try await tx.promotion(id: promotion.id) }
            #expect(record?.status == .failed)
            #expect(record?.reason == "gate after dev: rejected by margaret: the error budget is spent")
            let steps = try await world.ledger.transaction { tx in try await tx.steps(promotionID: promotion.id) }
            #expect(steps.first?.status == .failed)
            #expect(steps.dropFirst().allSatisfy { $0.status == .skipped }, "\(steps.map(\.status))")
        }
    }
}
