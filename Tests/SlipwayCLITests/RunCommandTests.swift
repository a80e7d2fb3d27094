import Foundation
import SlipwayLedger
import SlipwaySystem
import SlipwayTestSupport
import Testing

/// `slipway run`, `promote`, `status` and `down` as a user runs them: the real binary against a
/// real git repository, PostgreSQL, HAProxy, model-serve slots and ollama-sim.
@Suite("slipway run", .serialized)
struct RunCommandTests {
    /// A repository whose pipeline "builds" ModelServe by copying the binary this test run built,
    /// promotes it blue/green to dev and by canary to staging, where it pauses until promoted.
    static func makeRepository(
        simPort: Int, stagingSteps: String = "[ { setWeight: 50 }, { pause: {} }, { setWeight: 100 } ]", paths: String = #"["**"]"#,
        stagingGate: String = "{ stage: dev }", prodStage: String? = nil
    ) throws -> (TemporaryGitRepository, devPort: Int, stagingPort: Int) {
        let repository = try TemporaryGitRepository()
        let devPort = try LoopbackPort.free()
        var stagingPort = try LoopbackPort.free()
        while stagingPort == devPort || abs(stagingPort - devPort) == 1000 { stagingPort = try LoopbackPort.free() }
        var prodPort = try LoopbackPort.free()
        while [devPort, stagingPort].contains(where: { $0 == prodPort || abs($0 - prodPort) == 1000 }) { prodPort = try LoopbackPort.free() }
        // The build step runs sandboxed, with a /tmp of its own.
        let modelServe = try BuiltExecutable.readableFromSandbox(named: "model-serve")
        try repository.write("pipelines/model-serve.yaml", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: model-serve }
            spec:
              source: { branch: main, paths: \(paths) }
              build:
                - { name: model-serve, run: ["cp", "\(modelServe)", "model-serve"], timeout: 1m, produces: { binary: "model-serve" } }
              model: { name: sim-small }
              checks:
                smoke:
                  smoke:
                    - { name: ready, path: /ready, expect: { status: 200 } }
                    - name: generate
                      method: POST
                      path: /v1/generate
                      body: { prompt: "Say hello.", temperature: 0, max_tokens: 4 }
                      expect: { status: 200, json: { "$.done": true } }
              stages:
                - environment: dev
                  strategy: { blueGreen: { previewChecks: [smoke], scaleDownDelay: 0s } }
                  checks: [smoke]
                - environment: staging
                  after: \(stagingGate)
                  strategy:
                    canary:
                      steps: \(stagingSteps)
                  checks: [smoke]
            \(prodStage.map { "    - environment: prod\n" + $0 } ?? "")
            """)
        // An environment's approval policy always applies (whatever its stage asks), so only the
        // environments whose stage asks for approval have one.
        var environments = [("dev", devPort, false), ("staging", stagingPort, stagingGate.contains("approval: true"))]
        if let prodStage { environments.append(("prod", prodPort, prodStage.contains("approval: true"))) }
        for (index, (name, port, approved)) in environments.enumerated() {
            try repository.write("environments/\(name).yaml", environmentSpec(
                name: name, order: index + 1, port: port, simPort: simPort,
                approvals: approved ? #"{ required: 1, approvers: ["group:release-managers"] }"# : nil
            ))
        }
        try repository.commit("ModelServe and its release")
        return (repository, devPort, stagingPort)
    }

    /// An environment of the test repository, with an approval policy when `approvals` is given.
    static func environmentSpec(name: String, order: Int, port: Int, simPort: Int, approvals: String?) -> String {
        """
        apiVersion: slipway/v1
        kind: Environment
        metadata: { name: \(name) }
        spec:
          order: \(order)
          target: { local: { port: \(port) } }
          ollama: { endpoints: ["http://127.0.0.1:\(simPort)"] }
        \(approvals.map { "  approvals: \($0)" } ?? "")
        """
    }

    @Test("a run killed with SIGKILL while it waits is resumed by the next `slipway run`, after `slipway promote`")
    func killedRunIsResumed() async throws {
        try await TestDatabase.withFreshDatabase { (configuration: DatabaseConfiguration) in
            try await BackgroundProcess.withProcess(
                executable: try BuiltExecutable.path(named: "ollama-sim"), arguments: ["--port", "0", "--token-delay-ms", "0"]
            ) { sim in
                let (repository, devPort, _) = try Self.makeRepository(simPort: sim.port)
                let state = try TemporaryDirectory(prefix: "slipway-state")
                let common = ["--repo", repository.path, "--database-url", configuration.url, "--state-dir", state.path]
                defer { _ = try? SlipwayBinary.run(["down"] + common) }

                // The first runner: started, watched until it waits at the pause, then killed.
                let log = state.path("first-run.log")
                let first = try DetachedProcess.spawn(
                    executable: try BuiltExecutable.path(named: "slipway"), arguments: ["run"] + common, environment: ProcessInfo.processInfo.environment, logPath: log
                )
                let deadline = ContinuousClock.now + .seconds(90)
                var output = ""
                while ContinuousClock.now < deadline && DetachedProcess.isAlive(first) {
                    output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                    if output.contains("paused until") { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(output.contains("paused until"), "the run never reached the pause: \(output)")
                #expect(output.contains("[dev] promotion succeeded"))
                kill(first, SIGKILL)
                _ = await DetachedProcess.wait(first)

                let promoted = try SlipwayBinary.run(["promote", "--env", "staging", "--actor", "grace", "--reason", "looks good"] + common)
                #expect(promoted.status == 0, "\(promoted.stderr)")
                #expect(promoted.stdout.contains("passed by grace"))

                let second = try SlipwayBinary.run(["run"] + common)
                #expect(second.status == 0, "\(second.stdout)\n\(second.stderr)")
                #expect(second.stdout.contains("resuming run 1"))
                #expect(!second.stdout.contains("[dev] 1."), "dev was promoted again: \(second.stdout)")
                #expect(second.stdout.contains("staging: model-serve-") && second.stdout.contains("succeeded"))

                // Each step started once per attempt: nothing before the kill was repeated.
                let setWeightStarts = try await TestDatabase.column(
                    "SELECT count(*)::text FROM events WHERE kind = 'step.started' AND payload::jsonb->>'name' = 'set weight 50'",
                    on: configuration
                )
                #expect(setWeightStarts == ["1"])
                let verify = try SlipwayBinary.run(["audit", "verify"] + common)
                #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")

                let status = try SlipwayBinary.run(["status", "--output", "json"] + common)
                #expect(status.status == 0, "\(status.stderr)")
                let rows = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
                let staging = try #require(rows.first { $0["environment"] as? String == "staging" })
                let stable = (staging["state"] as? [String: Any])?["stable"] as? [String: Any]
                #expect((stable?["releaseID"] as? String)?.hasPrefix("model-serve-") == true)
                #expect(stable?["weight"] as? Int == 100)

                // dev serves the release through HAProxy.
                #expect(LoopbackPort.isListening(devPort))
            }
        }
    }

    @Test(
        "a runner SIGKILLed at a point of a canary is finished by the next `slipway run`: no step started twice, both promotions succeed",
        arguments: ["[staging] 3. deploy the canary: succeeded", "[staging] 4. set weight 50: succeeded", "[staging] 5. pause 2s …"]
    )
    func killedMidCanaryIsResumed(at point: String) async throws {
        try await TestDatabase.withFreshDatabase { (configuration: DatabaseConfiguration) in
            try await BackgroundProcess.withProcess(
                executable: try BuiltExecutable.path(named: "ollama-sim"), arguments: ["--port", "0", "--token-delay-ms", "0"]
            ) { sim in
                let (repository, _, stagingPort) = try Self.makeRepository(
                    simPort: sim.port, stagingSteps: "[ { setWeight: 50 }, { pause: 2s }, { setWeight: 100 } ]"
                )
                let state = try TemporaryDirectory(prefix: "slipway-state")
                let common = ["--repo", repository.path, "--database-url", configuration.url, "--state-dir", state.path]
                defer { _ = try? SlipwayBinary.run(["down"] + common) }
                let log = state.path("first.log")
                let first = try DetachedProcess.spawn(executable: try BuiltExecutable.path(named: "slipway"), arguments: ["run"] + common, environment: ProcessInfo.processInfo.environment, logPath: log)
                let output = try await Self.waitForLog(log, toContain: point, while: first)
                #expect(output.contains(point), "the run never got to \(point): \(output)")
                kill(first, SIGKILL)
                _ = await DetachedProcess.wait(first)

                let second = try SlipwayBinary.run(["run"] + common)
                #expect(second.status == 0, "\(second.stdout)\n\(second.stderr)")
                #expect(second.stdout.contains("resuming run 1"))
                // Every step started once per attempt, across both runners.
                let starts = try await TestDatabase.column(
                    "SELECT count(*)::text FROM events WHERE kind = 'step.started'", on: configuration
                )
                let attempts = try await TestDatabase.column("SELECT sum(attempt)::text FROM promotion_steps", on: configuration)
                #expect(starts == attempts, "a step was started again after the kill")
                let statuses = try await TestDatabase.column("SELECT status FROM promotions ORDER BY id", on: configuration)
                #expect(statuses == ["succeeded", "succeeded"])
                #expect(LoopbackPort.isListening(stagingPort))
                let verify = try SlipwayBinary.run(["audit", "verify"] + common)
                #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
            }
        }
    }

    @Test("two runners started together on one database: each environment is promoted once, by one of them at a time")
    func twoRunnersOneDatabase() async throws {
        try await TestDatabase.withFreshDatabase { (configuration: DatabaseConfiguration) in
            try await BackgroundProcess.withProcess(
                executable: try BuiltExecutable.path(named: "ollama-sim"), arguments: ["--port", "0", "--token-delay-ms", "0"]
            ) { sim in
                let (repository, _, _) = try Self.makeRepository(
                    simPort: sim.port, stagingSteps: "[ { setWeight: 50 }, { pause: 1s }, { setWeight: 100 } ]"
                )
                let state = try TemporaryDirectory(prefix: "slipway-state")
                let common = ["--repo", repository.path, "--database-url", configuration.url, "--state-dir", state.path]
                defer { _ = try? SlipwayBinary.run(["down"] + common) }
                let slipway = try BuiltExecutable.path(named: "slipway")
                let runners = try (1...2).map { index in
                    try DetachedProcess.spawn(executable: slipway, arguments: ["run"] + common, environment: ProcessInfo.processInfo.environment, logPath: state.path("run-\(index).log"))
                }
                var statuses: [Int32] = []
                for runner in runners { statuses.append(await DetachedProcess.wait(runner)) }
                let logs = (1...2).map { (try? String(contentsOfFile: state.path("run-\($0).log"), encoding: .utf8)) ?? "" }
                #expect(statuses == [0, 0], "\(logs)")
                let promotions = try await TestDatabase.column("SELECT count(*)::text FROM promotions", on: configuration)
                #expect(promotions == ["2"])
                let starts = try await TestDatabase.column(
                    "SELECT count(*)::text FROM events WHERE kind = 'step.started'", on: configuration
                )
                let steps = try await TestDatabase.column("SELECT count(*)::text FROM promotion_steps", on: configuration)
                #expect(starts == steps, "every step started exactly once")
                let verify = try SlipwayBinary.run(["audit", "verify"] + common)
                #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
            }
        }
    }

    /// What a run prints while staging's gate waits for its one approval.
    static let waitingForApproval = "approvals: 0 of 1 (needs group release-managers)"

    /// A new token of grace, a release manager (neither the commit's author nor whoever started the runs).
    static func releaseManagerToken(_ common: [String]) throws -> String {
        let created = try SlipwayBinary.run(["token", "create", "--user", "grace", "--group", "release-managers"] + common)
        guard created.status == 0 else { throw TokenFailure(description: created.stderr) }
        return created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct TokenFailure: Error, CustomStringConvertible { var description: String }

    /// Waits until the log at `path` contains `text` (or the process `pid` ends, or a minute
    /// passes); returns the log.
    static func waitForLog(_ path: String, toContain text: String, while pid: pid_t) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(90)
        var output = ""
        while ContinuousClock.now < deadline {
            output = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            if output.contains(text) || !DetachedProcess.isAlive(pid) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        return output
    }

    @Test("a newer commit reaching staging supersedes an older release waiting there for approval, which moved nothing")
    func newerReleaseSupersedesAWaitingOne() async throws {
        try await TestDatabase.withFreshDatabase { (configuration: DatabaseConfiguration) in
            try await BackgroundProcess.withProcess(
                executable: try BuiltExecutable.path(named: "ollama-sim"), arguments: ["--port", "0", "--token-delay-ms", "0"]
            ) { sim in
                let (repository, _, _) = try Self.makeRepository(
                    simPort: sim.port, stagingSteps: "[ { setWeight: 100 } ]", stagingGate: "{ stage: dev, approval: true }"
                )
                let state = try TemporaryDirectory(prefix: "slipway-state")
                let common = ["--repo", repository.path, "--database-url", configuration.url, "--state-dir", state.path]
                defer { _ = try? SlipwayBinary.run(["down"] + common) }
                let slipway = try BuiltExecutable.path(named: "slipway")

                // The first release reaches staging's gate and waits for approval.
                let firstLog = state.path("first.log")
                let first = try DetachedProcess.spawn(executable: slipway, arguments: ["run"] + common, environment: ProcessInfo.processInfo.environment, logPath: firstLog)
                let waiting = try await Self.waitForLog(firstLog, toContain: Self.waitingForApproval, while: first)
                #expect(waiting.contains(Self.waitingForApproval), "\(waiting)")
                let firstSHA = try repository.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
                // A release waiting for approval does not hold the environment: a rollback there
                // is answered at once (staging has nothing live yet), not queued behind the gate.
                let rollbackLog = state.path("rollback.log")
                let rollback = try DetachedProcess.spawn(
                    executable: slipway, arguments: ["rollback", "--env", "staging", "--reason", "test"] + common, environment: ProcessInfo.processInfo.environment, logPath: rollbackLog
                )
                let answeredBy = ContinuousClock.now + .seconds(20)
                while DetachedProcess.isAlive(rollback) && ContinuousClock.now < answeredBy {
                    DetachedProcess.reap(rollback)
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(!DetachedProcess.isAlive(rollback), "slipway rollback waited behind a gate")
                if DetachedProcess.isAlive(rollback) { kill(rollback, SIGKILL) }
                let rollbackOutput = (try? String(contentsOfFile: rollbackLog, encoding: .utf8)) ?? ""
                #expect(rollbackOutput.contains("staging has no live release to roll back"), "\(rollbackOutput)")

                // A newer commit goes through dev and reaches staging: the first stands aside.
                try repository.write("README.md", "a newer release\n")
                let secondSHA = try repository.commit("A newer release")
                let secondLog = state.path("second.log")
                let second = try DetachedProcess.spawn(executable: slipway, arguments: ["run"] + common, environment: ProcessInfo.processInfo.environment, logPath: secondLog)
                let firstStatus = await DetachedProcess.wait(first)
                let firstOutput = (try? String(contentsOfFile: firstLog, encoding: .utf8)) ?? ""
                #expect(firstStatus != 0, "a superseded run does not end as a success: \(firstOutput)")
                #expect(firstOutput.contains("superseded by model-serve-\(secondSHA.prefix(12))"), "\(firstOutput)")
                let secondWaiting = try await Self.waitForLog(secondLog, toContain: "[staging] 1. gate after dev: \(Self.waitingForApproval)", while: second)
                #expect(secondWaiting.contains(Self.waitingForApproval), "\(secondWaiting)")

                // `slipway promote` does not pass an approval gate; a release manager's approval does.
                let refused = try SlipwayBinary.run(["promote", "--env", "staging", "--actor", "grace"] + common)
                #expect(refused.status != 0)
                #expect(refused.stderr.contains("waits at its gate for approvals, which `slipway promote` cannot give"), "\(refused.stderr)")
                let newer = try await TestDatabase.column(
                    "SELECT id::text FROM promotions WHERE environment = 'staging' AND commit_sha = '\(secondSHA)'", on: configuration
                ).compactMap { $0 }
                let approved = try SlipwayBinary.run(
                    ["approve", newer.first ?? "?"] + common, environment: ["SLIPWAY_TOKEN": try Self.releaseManagerToken(common)]
                )
                #expect(approved.status == 0, "\(approved.stderr)")
                let secondStatus = await DetachedProcess.wait(second)
                let secondOutput = (try? String(contentsOfFile: secondLog, encoding: .utf8)) ?? ""
                #expect(secondStatus == 0, "\(secondOutput)")

                let staging = try await TestDatabase.column(
                    "SELECT commit_sha || ' ' || status || ' ' || coalesce(reason, '') FROM promotions WHERE environment = 'staging' ORDER BY id",
                    on: configuration
                ).map { $0 ?? "NULL" }
                #expect(staging.count == 2)
                #expect(staging.first?.hasPrefix("\(firstSHA) superseded superseded by model-serve-\(secondSHA.prefix(12)) (run 2") == true, "\(staging)")
                #expect(staging.last == "\(secondSHA) succeeded ", "\(staging)")
                let runs = try await TestDatabase.column("SELECT status FROM runs ORDER BY id", on: configuration)
                #expect(runs == ["cancelled", "succeeded"])
                // The superseded promotion ran nothing but its gate: no model, no slot, no traffic.
                let ran = try await TestDatabase.column("""
                    SELECT s.kind || ' ' || s.status FROM promotion_steps s JOIN promotions p ON p.id = s.promotion_id
                    WHERE p.environment = 'staging' AND p.commit_sha = '\(firstSHA)' ORDER BY s.ordinal
                    """, on: configuration).map { $0 ?? "NULL" }
                #expect(ran.first == "gate skipped")
                #expect(ran.dropFirst().allSatisfy { $0.hasSuffix(" skipped") }, "\(ran)")
                let verify = try SlipwayBinary.run(["audit", "verify"] + common)
                #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
            }
        }
    }

    @Test("a release goes dev (blue/green) → staging (canary) → prod (blue/green after its approval gate)")
    func fullPromotionThroughThreeEnvironments() async throws {
        try await TestDatabase.withFreshDatabase { (configuration: DatabaseConfiguration) in
            try await WebhookReceiver.with { receiver in
                try await BackgroundProcess.withProcess(
                    executable: try BuiltExecutable.path(named: "ollama-sim"), arguments: ["--port", "0", "--token-delay-ms", "0"]
                ) { sim in
                    let (repository, _, _) = try Self.makeRepository(
                        simPort: sim.port, stagingSteps: "[ { setWeight: 50 }, { setWeight: 100 } ]",
                        prodStage: """
                              after: { stage: staging, approval: true }
                              strategy: { blueGreen: { previewChecks: [smoke], scaleDownDelay: 0s } }
                              checks: [smoke]
                        """
                    )
                    let state = try TemporaryDirectory(prefix: "slipway-state")
                    let common = ["--repo", repository.path, "--database-url", configuration.url, "--state-dir", state.path]
                    defer { _ = try? SlipwayBinary.run(["down"] + common) }
                    let log = state.path("run.log")
                    // Notifications go to a receiver in this process, named only in the environment.
                    let runner = try DetachedProcess.spawn(
                        executable: try BuiltExecutable.path(named: "slipway"), arguments: ["run"] + common,
                        environment: ["SLIPWAY_NOTIFY_URLS": receiver.url], logPath: log
                    )
                    let waiting = try await Self.waitForLog(
                        log, toContain: "[prod] 1. gate after staging: approvals: 0 of 1 (needs group release-managers)", while: runner
                    )
                    #expect(waiting.contains("[staging] promotion succeeded"), "\(waiting)")
                    let prod = try await TestDatabase.column("SELECT id::text FROM promotions WHERE environment = 'prod'", on: configuration)
                    let approved = try SlipwayBinary.run(
                        ["approve", prod.first.flatMap { $0 } ?? "?", "--comment", "release"] + common,
                        environment: ["SLIPWAY_TOKEN": try Self.releaseManagerToken(common)]
                    )
                    #expect(approved.status == 0, "\(approved.stderr)")
                    let status = await DetachedProcess.wait(runner)
                    let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                    #expect(status == 0, "\(output)")
                    #expect(output.contains("[prod] promotion succeeded"))
                    let promotions = try await TestDatabase.column(
                        "SELECT environment || ' ' || strategy || ' ' || status FROM promotions ORDER BY id", on: configuration
                    )
                    #expect(promotions == ["dev blueGreen succeeded", "staging canary succeeded", "prod blueGreen succeeded"])
                    let live = try SlipwayBinary.run(["status", "--env", "prod", "--output", "json"] + common)
                    let rows = try #require(try JSONSerialization.jsonObject(with: Data(live.stdout.utf8)) as? [[String: Any]])
                    let stable = (rows.first?["state"] as? [String: Any])?["stable"] as? [String: Any]
                    #expect((stable?["releaseID"] as? String)?.hasPrefix("model-serve-") == true)
                    #expect(stable?["weight"] as? Int == 100)
                    // What runs there, from the ledger: the commit, the artifact's digest, the model and its digest.
                    let provenance = rows.first?["live"] as? [String: Any]
                    let head = try repository.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
                    #expect(provenance?["commit"] as? String == head)
                    #expect((provenance?["artifactDigest"] as? String)?.hasPrefix("sha256:") == true)
                    #expect(provenance?["model"] as? String == "sim-small:latest")
                    #expect((provenance?["modelDigest"] as? String)?.isEmpty == false)
                    let table = try SlipwayBinary.run(["status"] + common)
                    #expect(table.stdout.contains("LIVE IN") && table.stdout.contains(String(head.prefix(12))), "\(table.stdout)")
                    // Each promotion's end, and prod's gate once, were told (before the run exited).
                    let told = receiver.requests.compactMap { request -> String? in
                        guard let fields = request.json?["slipway"] as? [String: Any] else { return nil }
                        return "\(fields["event"] as? String ?? "?") \(fields["environment"] as? String ?? "?")"
                    }
                    #expect(told.filter { $0.hasPrefix("promotion.") } == ["promotion.succeeded dev", "promotion.succeeded staging", "promotion.succeeded prod"])
                    #expect(told.filter { $0.hasPrefix("gate.") } == ["gate.waiting prod"])
                    #expect(told.firstIndex(of: "gate.waiting prod") ?? 99 < told.firstIndex(of: "promotion.succeeded prod") ?? -1, "\(told)")
                    let prodText = receiver.requests.last?.json?["text"] as? String ?? ""
                    #expect(prodText.hasPrefix("model-serve-") && prodText.contains("succeeded in prod") && prodText.contains(String(head.prefix(12))), "\(prodText)")
                    #expect(output.contains("notifying 127.0.0.1 of gates waiting") && !output.contains(WebhookReceiver.key), "\(output)")
                }
            }
        }
    }

    @Test("an older release resumed after a newer one went live in an environment stands aside instead of replacing it")
    func resumedOlderReleaseIsSupersededByALiveNewerOne() async throws {
        try await TestDatabase.withFreshDatabase { (configuration: DatabaseConfiguration) in
            try await BackgroundProcess.withProcess(
                executable: try BuiltExecutable.path(named: "ollama-sim"), arguments: ["--port", "0", "--token-delay-ms", "0"]
            ) { sim in
                let (repository, _, _) = try Self.makeRepository(
                    simPort: sim.port, stagingSteps: "[ { setWeight: 100 } ]", stagingGate: "{ stage: dev, approval: true }"
                )
                let state = try TemporaryDirectory(prefix: "slipway-state")
                let common = ["--repo", repository.path, "--database-url", configuration.url, "--state-dir", state.path]
                defer { _ = try? SlipwayBinary.run(["down"] + common) }
                let slipway = try BuiltExecutable.path(named: "slipway")

                // The older release waits at staging's gate; its runner dies there.
                let firstSHA = try repository.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
                let firstLog = state.path("first.log")
                let first = try DetachedProcess.spawn(executable: slipway, arguments: ["run"] + common, environment: ProcessInfo.processInfo.environment, logPath: firstLog)
                let waiting = try await Self.waitForLog(firstLog, toContain: Self.waitingForApproval, while: first)
                #expect(waiting.contains(Self.waitingForApproval), "\(waiting)")
                kill(first, SIGKILL)
                _ = await DetachedProcess.wait(first)

                // A newer commit goes all the way to staging meanwhile (nobody drives the older one).
                try repository.write("README.md", "a newer release\n")
                let secondSHA = try repository.commit("A newer release")
                let secondLog = state.path("second.log")
                let second = try DetachedProcess.spawn(executable: slipway, arguments: ["run"] + common, environment: ProcessInfo.processInfo.environment, logPath: secondLog)
                let secondWaiting = try await Self.waitForLog(secondLog, toContain: "[staging] 1. gate after dev: \(Self.waitingForApproval)", while: second)
                #expect(secondWaiting.contains(Self.waitingForApproval), "\(secondWaiting)")
                // Two promotions wait at staging now; name the newer one.
                let newer = try await TestDatabase.column(
                    "SELECT id::text FROM promotions WHERE environment = 'staging' AND commit_sha = '\(secondSHA)'", on: configuration
                )
                let newerID = try #require(newer.first.flatMap { $0 })
                let ambiguous = try SlipwayBinary.run(["promote", "--env", "staging", "--actor", "grace"] + common)
                #expect(ambiguous.status != 0)
                #expect(ambiguous.stderr.contains("more than one promotion waits in staging"), "\(ambiguous.stderr)")
                let approved = try SlipwayBinary.run(
                    ["approve", newerID] + common, environment: ["SLIPWAY_TOKEN": try Self.releaseManagerToken(common)]
                )
                #expect(approved.status == 0, "\(approved.stderr)")
                #expect(approved.stdout.contains("promotion \(newerID) (model-serve-\(secondSHA.prefix(12)) to staging): approved by grace"), "\(approved.stdout)")
                #expect(await DetachedProcess.wait(second) == 0)

                // The older run is resumed: it must not put the older release back.
                let resumed = try SlipwayBinary.run(["run", "--rev", firstSHA] + common)
                #expect(resumed.status != 0, "\(resumed.stdout)")
                #expect(resumed.stdout.contains("already live in staging"), "\(resumed.stdout)")
                let status = try SlipwayBinary.run(["status", "--env", "staging", "--output", "json"] + common)
                let rows = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
                let stable = (rows.first?["state"] as? [String: Any])?["stable"] as? [String: Any]
                #expect(stable?["releaseID"] as? String == "model-serve-\(secondSHA.prefix(12))")
            }
        }
    }

    @Test("slipway watch resumes a run whose runner was killed, and finishes it")
    func watchResumesAnUnfinishedRun() async throws {
        try await TestDatabase.withFreshDatabase { (configuration: DatabaseConfiguration) in
            try await BackgroundProcess.withProcess(
                executable: try BuiltExecutable.path(named: "ollama-sim"), arguments: ["--port", "0", "--token-delay-ms", "0"]
            ) { sim in
                let (repository, _, _) = try Self.makeRepository(simPort: sim.port)
                let state = try TemporaryDirectory(prefix: "slipway-state")
                let common = ["--repo", repository.path, "--database-url", configuration.url, "--state-dir", state.path]
                defer { _ = try? SlipwayBinary.run(["down"] + common) }
                let slipway = try BuiltExecutable.path(named: "slipway")
                let runLog = state.path("run.log")
                let runner = try DetachedProcess.spawn(executable: slipway, arguments: ["run"] + common, environment: ProcessInfo.processInfo.environment, logPath: runLog)
                let paused = try await Self.waitForLog(runLog, toContain: "paused until", while: runner)
                #expect(paused.contains("paused until"), "\(paused)")
                kill(runner, SIGKILL)
                _ = await DetachedProcess.wait(runner)

                let watchLog = state.path("watch.log")
                let watcher = try DetachedProcess.spawn(
                    executable: slipway, arguments: ["watch", "--interval", "200ms"] + common, environment: ProcessInfo.processInfo.environment, logPath: watchLog
                )
                let resuming = try await Self.waitForLog(watchLog, toContain: "paused until", while: watcher)
                #expect(resuming.contains("resuming run 1, left unfinished"), "\(resuming)")
                let promoted = try SlipwayBinary.run(["promote", "--env", "staging", "--actor", "grace"] + common)
                #expect(promoted.status == 0, "\(promoted.stderr)")
                let finished = try await Self.waitForLog(watchLog, toContain: ": run 1 succeeded", while: watcher)
                #expect(finished.contains(": run 1 succeeded"), "\(finished)")
                kill(watcher, SIGTERM)
                #expect(await DetachedProcess.wait(watcher) == 0)
                let runs = try await TestDatabase.column("SELECT status FROM runs", on: configuration)
                #expect(runs == ["succeeded"])
            }
        }
    }

    @Test("slipway watch runs a new tip that touches the source paths, skips one that does not, and stops on SIGTERM")
    func watchPollsTheBranch() async throws {
        try await TestDatabase.withFreshDatabase { (configuration: DatabaseConfiguration) in
            try await BackgroundProcess.withProcess(
                executable: try BuiltExecutable.path(named: "ollama-sim"), arguments: ["--port", "0", "--token-delay-ms", "0"]
            ) { sim in
                let (repository, devPort, _) = try Self.makeRepository(
                    simPort: sim.port, stagingSteps: "[ { setWeight: 50 }, { setWeight: 100 } ]", paths: #"["src/**"]"#
                )
                let state = try TemporaryDirectory(prefix: "slipway-state")
                let common = ["--repo", repository.path, "--database-url", configuration.url, "--state-dir", state.path]
                defer { _ = try? SlipwayBinary.run(["down"] + common) }
                let log = state.path("watch.log")
                let watcher = try DetachedProcess.spawn(
                    executable: try BuiltExecutable.path(named: "slipway"), arguments: ["watch", "--interval", "200ms"] + common,
                    environment: ProcessInfo.processInfo.environment, logPath: log
                )
                func waitFor(_ text: String, count: Int = 1) async throws -> Bool {
                    let deadline = ContinuousClock.now + .seconds(60)
                    while ContinuousClock.now < deadline {
                        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                        if output.components(separatedBy: text).count - 1 >= count { return true }
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    return false
                }
                #expect(try await waitFor("none under the pipeline's source paths; not run"), "the first tip was not skipped")
                try repository.write("src/app.txt", "v1")
                let released = try repository.commit("src: the first version")
                #expect(try await waitFor(": run 1 succeeded"), "the tip touching src/ was not run")
                try repository.write("docs/notes.md", "notes")
                try repository.commit("docs only")
                #expect(try await waitFor("not run", count: 2), "the docs-only tip was not skipped")

                kill(watcher, SIGTERM)
                let status = await DetachedProcess.wait(watcher)
                let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                #expect(status == 0, "\(output)")
                #expect(output.contains("stopped watching"))
                let runs = try await TestDatabase.column("SELECT commit_sha || ' ' || trigger FROM runs", on: configuration)
                #expect(runs == ["\(released) poll"])
                #expect(LoopbackPort.isListening(devPort))
            }
        }
    }

    @Test("slipway rollback puts the release live before the current one back, recorded with who and why")
    func rollbackToThePreviousRelease() async throws {
        try await TestDatabase.withFreshDatabase { (configuration: DatabaseConfiguration) in
            try await BackgroundProcess.withProcess(
                executable: try BuiltExecutable.path(named: "ollama-sim"), arguments: ["--port", "0", "--token-delay-ms", "0"]
            ) { sim in
                let (repository, _, _) = try Self.makeRepository(simPort: sim.port, stagingSteps: "[ { setWeight: 100 } ]")
                let state = try TemporaryDirectory(prefix: "slipway-state")
                let common = ["--repo", repository.path, "--database-url", configuration.url, "--state-dir", state.path]
                defer { _ = try? SlipwayBinary.run(["down"] + common) }
                let first = try SlipwayBinary.run(["run"] + common)
                #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
                try repository.write("src/app.txt", "v2")
                let second = try repository.commit("v2")
                let run2 = try SlipwayBinary.run(["run"] + common)
                #expect(run2.status == 0, "\(run2.stdout)\(run2.stderr)")
                let secondRelease = "model-serve-\(second.prefix(12))"

                let rolled = try SlipwayBinary.run(["rollback", "--env", "dev", "--reason", "v2 misbehaves", "--actor", "grace"] + common)
                #expect(rolled.status == 0, "\(rolled.stdout)\(rolled.stderr)")
                #expect(rolled.stdout.contains("rolled dev back from \(secondRelease) to model-serve-"))
                let status = try SlipwayBinary.run(["status", "--env", "dev", "--output", "json"] + common)
                let rows = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
                let stable = (rows.first?["state"] as? [String: Any])?["stable"] as? [String: Any]
                let live = try #require(stable?["releaseID"] as? String)
                #expect(live != secondRelease && live.hasPrefix("model-serve-"))
                let events = try await TestDatabase.column(
                    "SELECT actor || ' ' || (payload::jsonb->>'reason') FROM events WHERE kind = 'environment.rollback'", on: configuration
                )
                #expect(events == ["grace v2 misbehaves"])

                let again = try SlipwayBinary.run(["rollback", "--env", "dev", "--to", live, "--reason", "x"] + common)
                #expect(again.status == 1)
                #expect(again.stderr.contains("already the live release"))
            }
        }
    }
}
