import AsyncHTTPClient
import Foundation
import ModelServe
import NIOCore
import SlipwaySystem
import SlipwayTargets
import SlipwayTestSupport
import Testing

/// Real HAProxy, real model-serve slots, a real ollama-sim behind them.
@Suite("Local environment", .serialized)
struct LocalEnvironmentTests {
    /// An environment in a temporary directory with a key and a simulator, stopped at the end.
    static func withEnvironment(_ body: (LocalEnvironment, Fixture) async throws -> Void) async throws {
        let scratch = try TemporaryDirectory(prefix: "local-env")
        let keysFile = scratch.path("keys.json")
        let key = try APIKeyStore(path: keysFile).create(name: "load", scopes: ["*"]).plaintextKey
        let environment = LocalEnvironment(
            name: "test", directory: scratch.path("local/test"), listenPort: try LoopbackPort.free(), statsPort: try LoopbackPort.free()
        )
        try await BackgroundProcess.withProcess(
            executable: try BuiltExecutable.path(named: "ollama-sim"), arguments: ["--port", "0", "--token-delay-ms", "0"]
        ) { sim in
            do {
                try await body(environment, Fixture(key: key, keysFile: keysFile, sim: sim))
            } catch {
                await environment.down()
                throw error
            }
            await environment.down()
        }
    }

    struct Fixture {
        var key: String
        var keysFile: String
        var sim: BackgroundProcess

        func launch(_ release: String) throws -> SlotLaunch {
            try LocalEnvironmentTests.launch(release: release, sim: sim, keysFile: keysFile)
        }
    }

    static func launch(release: String, sim: BackgroundProcess, keysFile: String) throws -> SlotLaunch {
        SlotLaunch(
            releaseID: release, executable: try BuiltExecutable.path(named: "model-serve"),
            arguments: ["serve", "--ollama", "http://127.0.0.1:\(sim.port)", "--model", "sim-small", "--keys-file", keysFile,
                        "--release-id", release, "--health-interval", "200ms", "--log-level", "warning",
                        "--rate-limit", "100000", "--rate-burst", "100000"]
        )
    }

    /// Requests sent to the environment's port by `workers` loops until stopped; counts answers.
    final class Load: @unchecked Sendable {
        private let lock = NSLock()
        private var statuses: [Int: Int] = [:]
        private var failures: [String] = []
        private var releases: [String: Int] = [:]
        private var running = true

        var isRunning: Bool { lock.withLock { running } }
        func stop() { lock.withLock { running = false } }
        func record(status: Int, release: String?) {
            lock.withLock {
                statuses[status, default: 0] += 1
                if let release { releases[release, default: 0] += 1 }
            }
        }
        func record(failure: String) { lock.withLock { failures.append(failure) } }
        /// Requests answered or failed so far.
        var total: Int { lock.withLock { statuses.values.reduce(0, +) + failures.count } }

        /// Waits (up to `limit`) until `more` requests beyond those done now have finished: load
        /// that spans what happens meanwhile, however slow the machine is.
        func waitForMore(_ more: Int, within limit: Duration = .seconds(30)) async throws {
            let target = total + more
            let deadline = ContinuousClock.now + limit
            while total < target, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        }
        var summary: (statuses: [Int: Int], failures: [String], releases: [String: Int]) {
            lock.withLock { (statuses, failures, releases) }
        }

        func run(port: Int, key: String, workers: Int) -> Task<Void, Never> {
            Task {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<workers {
                        group.addTask {
                            while self.isRunning {
                                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/generate")
                                request.method = .POST
                                request.headers.add(name: "Authorization", value: "Bearer \(key)")
                                request.headers.add(name: "Content-Type", value: "application/json")
                                request.body = .bytes(ByteBuffer(string: #"{"prompt": "hello", "max_tokens": 3}"#))
                                do {
                                    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                                    _ = try await response.body.collect(upTo: 1 << 20)
                                    self.record(status: Int(response.status.code), release: nil)
                                } catch {
                                    self.record(failure: "\(error)")
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    static func currentRelease(port: Int) async throws -> String? {
        // A fresh connection each time: a pooled one may lead to an HAProxy a test has since killed.
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/version")
        request.headers.add(name: "Connection", value: "close")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 16)
        let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        return object?["release_id"] as? String
    }

    @Test("blue/green: the new release takes all traffic, the old one drains and stops, and no request fails on the way")
    func blueGreenSwitchUnderLoad() async throws {
        try await Self.withEnvironment { environment, fixture in
            let started = try await environment.up()
            guard case .started = started else { Issue.record("expected a fresh HAProxy, got \(started)"); return }
            let port = environment.haproxy.configuration.listenPort

            _ = try await environment.deploy(try fixture.launch("r1"), into: .blue)
            try await environment.setWeights([.blue: 100])
            #expect(try await Self.currentRelease(port: port) == "r1")

            let load = Load()
            let loadTask = load.run(port: port, key: fixture.key, workers: 4)
            try await load.waitForMore(12)

            _ = try await environment.deploy(try fixture.launch("r2"), into: .green)
            try await environment.setWeights([.green: 100, .blue: 0])
            try await environment.retire(.blue)
            try await load.waitForMore(12)
            load.stop()
            await loadTask.value

            let summary = load.summary
            #expect(summary.failures.isEmpty, "failed requests: \(summary.failures.prefix(5))")
            #expect(summary.statuses.keys.allSatisfy { (200..<300).contains($0) }, "statuses: \(summary.statuses)")
            #expect(summary.statuses[200, default: 0] > 20, "too little load to mean anything: \(summary.statuses)")
            #expect(try await Self.currentRelease(port: port) == "r2")
            #expect(environment.slots.running(.blue) == nil)
            #expect(environment.slots.running(.green)?.releaseID == "r2")
        }
    }

    @Test("canary under load: weights 10 → 50 → 100, then the old release drains and stops; no request fails")
    func canaryUnderLoad() async throws {
        try await Self.withEnvironment { environment, fixture in
            try await environment.up()
            let port = environment.haproxy.configuration.listenPort
            _ = try await environment.deploy(try fixture.launch("r1"), into: .blue)
            try await environment.setWeights([.blue: 100])

            let load = Load()
            let loadTask = load.run(port: port, key: fixture.key, workers: 4)
            try await load.waitForMore(8)
            _ = try await environment.deploy(try fixture.launch("r2"), into: .green)
            for weight in [10, 50, 100] {
                try await environment.setWeights([.green: weight, .blue: 100 - weight])
                try await load.waitForMore(8)
            }
            try await environment.retire(.blue)
            try await load.waitForMore(8)
            load.stop()
            await loadTask.value

            let summary = load.summary
            #expect(summary.failures.isEmpty, "failed requests: \(summary.failures.prefix(5))")
            #expect(summary.statuses.keys.allSatisfy { (200..<300).contains($0) }, "statuses: \(summary.statuses)")
            #expect(summary.statuses[200, default: 0] > 20, "too little load to mean anything: \(summary.statuses)")
            #expect(try await Self.currentRelease(port: port) == "r2")
            #expect(environment.slots.running(.blue) == nil)
        }
    }

    @Test("a second LocalEnvironment for the same directory reattaches to HAProxy and the slot instead of restarting them")
    func reattachAfterRestart() async throws {
        try await Self.withEnvironment { environment, fixture in
            try await environment.up()
            let slot = try await environment.deploy(try fixture.launch("r1"), into: .blue)
            try await environment.setWeights([.blue: 100])
            let pid = try #require(environment.haproxy.runningPID())

            let again = LocalEnvironment(
                name: "test", directory: environment.directory, listenPort: environment.haproxy.configuration.listenPort,
                statsPort: environment.haproxy.configuration.statsPort
            )
            #expect(try await again.up() == .reattached(pid: pid))
            #expect(again.slots.running(.blue)?.pid == slot.pid)
            #expect(again.desiredWeights() == [.blue: 100])
            #expect(try await Self.currentRelease(port: environment.haproxy.configuration.listenPort) == "r1")
        }
    }

    @Test("HAProxy killed and started again gets the slots and weights Slipway last asked for")
    func haproxyRestartRestoresTraffic() async throws {
        try await Self.withEnvironment { environment, fixture in
            try await environment.up()
            _ = try await environment.deploy(try fixture.launch("r1"), into: .green)
            try await environment.setWeights([.green: 100])
            let pid = try #require(environment.haproxy.runningPID())
            kill(pid, SIGKILL)
            while DetachedProcess.isAlive(pid) { try await Task.sleep(for: .milliseconds(10)) }
            // The kernel closes the dead HAProxy's listening socket a moment after the process is gone.
            let port = environment.haproxy.configuration.listenPort
            let closedBy = ContinuousClock.now + .seconds(5)
            while LoopbackPort.isListening(port) && ContinuousClock.now < closedBy { try await Task.sleep(for: .milliseconds(20)) }

            guard case .started = try await environment.up() else { Issue.record("HAProxy was not started again"); return }
            try await environment.waitUntilUp(.green)
            #expect(try await Self.currentRelease(port: environment.haproxy.configuration.listenPort) == "r1")
        }
    }

    @Test("a port already taken, and a slot that never gets ready, are reported with the cause")
    func failuresAreNamed() async throws {
        let scratch = try TemporaryDirectory(prefix: "local-env-bad")
        let blocker = try await BackgroundProcess.start(
            executable: try BuiltExecutable.path(named: "ollama-sim"), arguments: ["--port", "0"]
        )
        let taken = LocalEnvironment(name: "busy", directory: scratch.path("busy"), listenPort: blocker.port, statsPort: try LoopbackPort.free())
        do {
            try await taken.up()
            Issue.record("HAProxy started on a port in use")
        } catch let error as LocalTargetError {
            #expect(error.message.contains("port \(blocker.port)") && error.message.contains("already in use"))
        }
        await blocker.stop()

        let environment = LocalEnvironment(name: "slow", directory: scratch.path("slow"), listenPort: try LoopbackPort.free(), statsPort: try LoopbackPort.free())
        try await environment.up()
        let never = SlotLaunch(
            releaseID: "broken", executable: try BuiltExecutable.path(named: "model-serve"),
            arguments: ["serve", "--ollama", "http://127.0.0.1:\(try LoopbackPort.free())", "--model", "m", "--keys-file", scratch.path("keys.json")]
        )
        do {
            _ = try await environment.deploy(never, into: .blue, readyTimeout: .seconds(2))
            Issue.record("a slot that is never ready was deployed")
        } catch let error as LocalTargetError {
            #expect(error.message.contains("not ready within"))
            #expect(error.description.contains("last lines of the log"))
            #expect(error.description.contains(#""route":"ready","status":"503""#))
        }
        #expect(environment.slots.running(.blue) == nil)
        await environment.down()
        #expect(environment.haproxy.runningPID() == nil)
    }
}
