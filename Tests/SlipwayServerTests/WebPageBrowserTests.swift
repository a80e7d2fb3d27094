import Foundation
import Logging
import SlipwayCore
import SlipwayEngine
import SlipwayLedger
import SlipwaySystem
import SlipwayTargets
import SlipwayTestSupport
import Testing

extension SlipwayServe {
    /// The web page in headless Chromium (scripts/browser/approve-in-browser.py drives it with
    /// selenium) against a real `slipway serve`, with a real promotion driver in this process
    /// waiting at the gate on the same database.
    @Suite("web page in a browser")
    struct WebPageBrowserTests {
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
                spec: { order: 1, target: { local: { port: 18700 } } }
                """),
            SpecFile(path: "environments/staging.yaml", contents: """
                apiVersion: slipway/v1
                kind: Environment
                metadata: { name: staging }
                spec:
                  order: 2
                  target: { local: { port: 18701 } }
                  approvals: { required: 1, approvers: ["group:release-managers"], forbidSelfApproval: true }
                """),
        ]

        @Test("a release manager signs in with a token, sees what the gate waits for, approves, and sees the promotion move on")
        func approveInTheBrowser() async throws {
            guard case .success(let specs) = SpecLoader.load(Self.specFiles),
                  let pipeline = specs.pipeline(named: "model-serve"), let staging = specs.environment(named: "staging")
            else {
                Issue.record("the specs do not load")
                return
            }
            try await ServeFixture.with(waitForFirstRun: false) { fixture in
                // With the server's signing key: events no checkpoint of it covers (dev's success, the token) would not count.
                try await Ledger.withLedger(fixture.database, logger: TestDatabase.logger, signing: try .inStateDirectory(fixture.state.path)) { ledger in
                    let (promotion, grace) = try await ledger.transaction { tx in
                        let run = try await tx.createRun(NewRun(
                            pipeline: "model-serve", commitSHA: String(repeating: "b", count: 40), branch: "main", trigger: .manual,
                            triggeredBy: "ci", commitAuthor: "Ada <ada@example.com>"
                        )).run
                        let dev = try await tx.createPromotion(run: run, environment: "dev", releaseID: "model-serve-bbbb", strategy: "blueGreen", actor: "ci")
                        try await tx.movePromotion(id: dev.id, to: .progressing, actor: "ci")
                        try await tx.movePromotion(id: dev.id, to: .succeeded, actor: "ci")
                        let promotion = try await tx.createPromotion(run: run, environment: "staging", releaseID: "model-serve-bbbb", strategy: "blueGreen", actor: "ci")
                        let grace = try await tx.createToken(user: "grace", groups: ["release-managers"], expiresAt: nil, actor: "admin").token
                        return (promotion, grace)
                    }
                    // The runner: staging's gate, then nothing more to do (no traffic in this test).
                    let scratch = try TemporaryDirectory(prefix: "browser")
                    let environment = LocalEnvironment(
                        name: "staging", directory: scratch.path("local/staging"), listenPort: try LoopbackPort.free(), statsPort: try LoopbackPort.free()
                    )
                    let driver = PromotionDriver(
                        ledger: ledger, registry: .standard, target: LocalReleaseTarget(environment: environment), actor: "runner",
                        logger: TestDatabase.logger
                    )
                    let services = StepServices(
                        pipeline: pipeline,
                        launch: ReleaseLaunch(
                            releaseID: "model-serve-bbbb", commitSHA: String(repeating: "b", count: 40), executable: "/bin/false",
                            model: "sim-small", ollamaEndpoints: [], keysFile: scratch.path("keys.json")
                        ),
                        gate: .ledger(ledger, environment: staging, actor: "runner")
                    )
                    let gateOnly = Array(PromotionPlanner.steps(for: pipeline.stages[1], in: pipeline).prefix(1))
                    #expect(gateOnly.first?.kind == .gate)
                    let runner = Task { try await driver.drive(promotionID: promotion.id, plan: gateOnly, services: services) }
                    defer { runner.cancel() }
                    let listening = try await ServeFixture.eventually {
                        try await ledger.transaction { tx in try await tx.gateRequirements(promotionID: promotion.id) } != nil
                    }
                    #expect(listening, "the runner never reached the gate")

                    let seen = try await Self.browse(fixture.baseURL, token: grace, promotion: promotion.id)
                    #expect(seen["unsignedTitle"] as? String == "Sign in · Slipway")
                    #expect(seen["signedInTitle"] as? String == "Pending gates · Slipway")
                    #expect(seen["heading"] as? String == "Promotion \(promotion.id): model-serve-bbbb to staging")
                    let waits = seen["waitingFor"] as? [String] ?? []
                    #expect(waits.contains { $0.contains("approvals: 0 of 1") }, "\(waits)")
                    #expect(seen["notice"] as? String == "Your approval of promotion \(promotion.id) is recorded.")
                    #expect(seen["noticeTone"] as? String == "notice ok")
                    #expect(seen["leftPending"] as? Bool == true, "the promotion stayed on the pending page: \(seen)")
                    #expect(seen["historyStatus"] as? String == "succeeded", "\(seen)")

                    #expect(try await runner.value == .succeeded)
                    let approvals = try await TestDatabase.column(
                        "SELECT approver || ' ' || decision || ' ' || comment FROM approvals WHERE promotion_id = \(promotion.id)", on: fixture.database
                    )
                    #expect(approvals == ["grace approved dev looks good"])
                }
            }
        }

        /// Runs the browser script and returns what it saw.
        static func browse(_ base: String, token: String, promotion: Int64) async throws -> [String: Any] {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let script = root.appendingPathComponent("scripts/browser/approve-in-browser.py").path
            let venv = root.appendingPathComponent(".tools/bin/python3").path
            let python = FileManager.default.isExecutableFile(atPath: venv) ? venv : "/usr/bin/python3"
            let scratch = try TemporaryDirectory(prefix: "browser-log")
            let log = scratch.path("browser.log")
            let pid = try DetachedProcess.spawn(executable: python, arguments: [script, base, token, String(promotion)], environment: ProcessInfo.processInfo.environment, logPath: log)
            let status = await DetachedProcess.wait(pid)
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            try #require(status == 0, "the browser script failed (make tools installs selenium; make deps chromium): \(output)")
            let last = output.split(separator: "\n").last.map(String.init) ?? ""
            return try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any], "not JSON: \(output)")
        }
    }
}
