import Foundation
import SlipwayCore
import SlipwayEngine
import SlipwayLedger
import SlipwaySystem
import SlipwayTestSupport
import Testing

/// Build steps run in bubblewrap (the real one, `apt-get install bubblewrap`): each attack a
/// commit's build step could make on the runner is tried, and fails or sees nothing.
@Suite("Build sandbox")
struct BuildSandboxTests {
    typealias World = BuildRunnerTests.World

    /// `world` with a runner sandboxed as `settings` say.
    static func with(_ settings: BuildSandbox.Settings, _ world: World) -> World {
        var changed = world
        changed.runner = BuildRunner(stateDirectory: world.state.path, logger: TestDatabase.logger, sandbox: settings)
        return changed
    }

    /// A one-step pipeline running `script` with sh, with `extra` YAML lines for the step.
    static func shellStep(_ script: String, extra: String = "") throws -> PipelineSpec {
        let quoted = script.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return try BuildRunnerTests.pipeline(build: """
                - name: probe
                  run: [sh, -c, "\(quoted)"]
            \(extra.isEmpty ? "" : extra.split(separator: "\n").map { "      \($0)" }.joined(separator: "\n"))
            """)
    }

    /// The step's log after a build of run `runID`.
    static func log(_ world: World, runID: Int64) throws -> String {
        try String(contentsOfFile: world.state.path("logs/\(runID)/probe.log"), encoding: .utf8)
    }

    @Test("a step sees none of the runner's variables, in its own environment or in /proc/$PPID/environ, and no process of Slipway's")
    func noRunnerEnvironment() async throws {
        // The test process stands for the runner; `make test` sets SLIPWAY_TEST_DATABASE_URL, and HOME is always set.
        let runner = ProcessInfo.processInfo.environment
        try await BuildRunnerTests.withWorld { world in
            let pipeline = try Self.shellStep("""
                echo '--- env'; env; echo '--- parent'; tr '\\0' '\\n' < /proc/$PPID/environ; echo
                echo '--- processes'; ls /proc | grep -E '^[0-9]+$' | wc -l; echo "pid1: $(tr '\\0' ' ' < /proc/1/cmdline)"
                echo "uid: $(id -u)"; echo "home: $HOME"
                """)
            let run = try await world.createRun()
            _ = try await world.build(pipeline, runID: run)
            let log = try Self.log(world, runID: run)
            #expect(log.contains("--- parent"))
            for (name, value) in runner where !MinimalEnvironment.names.contains(name) && value.count >= 6 {
                #expect(!log.contains("\(name)=\(value)"), "the step saw the runner's \(name)")
            }
            #expect(!log.contains("SLIPWAY_TEST_DATABASE_URL"))
            #expect(log.contains("SLIPWAY_RUN_ID=\(run)"))
            #expect(log.contains("home: /tmp/home"))
            // Its own pid namespace: a handful of processes (bwrap's init, sh, and what it runs), never Slipway.
            let count = try #require(log.split(separator: "\n").drop { $0 != "--- processes" }.dropFirst().first.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) })
            #expect(count < 10)
            #expect(!log.contains("swiftpm-testing-helper") && !log.contains("xctest"))
            if getuid() == 0 { #expect(log.contains("uid: 65534")) }
        }
    }

    @Test("a step can neither read Slipway's state directory (the ledger's password) nor write outside its checkout")
    func noStateDirectoryNoWritesOutside() async throws {
        try await BuildRunnerTests.withWorld { world in
            let state = world.state.path
            try FileManager.default.createDirectory(atPath: world.state.path("postgres"), withIntermediateDirectories: true)
            try "hunter2-superuser\n".write(toFile: world.state.path("postgres/credentials"), atomically: true, encoding: .utf8)
            let marker = "slipway-pwned-\(UUID().uuidString)"
            let pipeline = try Self.shellStep("""
                cat ../../postgres/credentials; cat \(state)/postgres/credentials
                echo "state holds: $(ls -A \(state) | tr '\\n' ' ')"
                touch \(state)/pwned; touch /tmp/\(marker); touch \(world.repository.path)/pwned; touch /\(marker); touch /usr/\(marker)
                echo wrote-in-checkout > in-checkout.txt
                true
                """)
            let run = try await world.createRun()
            _ = try await world.build(pipeline, runID: run)
            let log = try Self.log(world, runID: run)
            #expect(!log.contains("hunter2-superuser"))
            #expect(log.contains("state holds: work "))
            for path in ["\(state)/pwned", "/tmp/\(marker)", "\(world.repository.path)/pwned", "/\(marker)", "/usr/\(marker)"] {
                #expect(!FileManager.default.fileExists(atPath: path), "the step wrote \(path)")
            }
            // The checkout is its to write.
            #expect(FileManager.default.fileExists(atPath: world.state.path("work/p/in-checkout.txt")))
        }
    }

    @Test("a step has no network unless it says network: true")
    func networkOnlyWhenAsked() async throws {
        let listener = try LoopbackListener()
        defer { listener.close() }
        try await BuildRunnerTests.withWorld { world in
            let connect = "exec 3<>/dev/tcp/127.0.0.1/\(listener.port) && echo connected"
            let closed = try Self.shellStep("bash -c '\(connect)'")
            let run = try await world.createRun()
            let error = try await #require(throws: BuildError.self) { try await world.build(closed, runID: run) }
            guard case .stepFailed = error else {
                Issue.record("expected the step to fail, got \(error)")
                return
            }
            #expect(!(try Self.log(world, runID: run)).contains("connected"))

            let open = try Self.shellStep("bash -c '\(connect)'", extra: "network: true")
            // The same run built again (a resumed run starts from a fresh checkout).
            _ = try await world.build(open, runID: run)
            #expect(try Self.log(world, runID: run).contains("connected"))
        }
    }

    @Test("a step gets the secrets it names from the runner's secrets file, and no other; a secret the file lacks stops the build first")
    func secretsByName() async throws {
        try await BuildRunnerTests.withWorld { world in
            let secrets = world.state.path("../\((world.state.path as NSString).lastPathComponent)-secrets.env")
            try "# the runner's\nALPHA_TOKEN=alpha-value-1\nBETA_TOKEN=beta-value-2\n".write(toFile: secrets, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: secrets) }
            let sandboxed = Self.with(BuildSandbox.Settings(secretsFile: secrets), world)
            let pipeline = try Self.shellStep(
                "echo \"alpha=$ALPHA_TOKEN beta=${BETA_TOKEN:-unset}\"; env | grep -c beta-value-2 || true", extra: "secrets: [ALPHA_TOKEN]"
            )
            let run = try await sandboxed.createRun()
            _ = try await sandboxed.build(pipeline, runID: run)
            let log = try Self.log(sandboxed, runID: run)
            #expect(log.contains("alpha=alpha-value-1 beta=unset"))
            #expect(!log.contains("beta-value-2"))

            let missing = try Self.shellStep("touch ran", extra: "secrets: [GAMMA_TOKEN]")
            let error = try await #require(throws: BuildError.self) { try await sandboxed.build(missing, runID: run) }
            #expect(error == .secretMissing(step: "probe", name: "GAMMA_TOKEN", file: secrets))
            #expect(error.description.contains("GAMMA_TOKEN=VALUE"))
        }
    }

    @Test("a step sees neither the runner's secrets file nor the ledger's signing key outside the state directory, nor the runner's HOME or /root, even where they are readable by anyone")
    func noRunnerFilesOutsideTheStateDirectory() async throws {
        let runner = try TemporaryDirectory(prefix: "slipway-runner")
        _ = chmod(runner.path, 0o755)
        let home = runner.path("home")
        try FileManager.default.createDirectory(atPath: "\(home)/.config", withIntermediateDirectories: true)
        try "machine registry login ci password home-secret\n".write(toFile: "\(home)/.netrc", atomically: true, encoding: .utf8)
        let secrets = runner.path("secrets.env"), key = runner.path("ledger-signing.key")
        try "ALPHA_TOKEN=alpha-value-1\nOTHER_TOKEN=other-value-2\n".write(toFile: secrets, atomically: true, encoding: .utf8)
        try "signing-key-material\n".write(toFile: key, atomically: true, encoding: .utf8)
        // Careless modes: anyone may read them, so only the sandbox keeps them from a step running as nobody.
        for path in [home, "\(home)/.config"] { _ = chmod(path, 0o755) }
        for path in ["\(home)/.netrc", secrets, key] { _ = chmod(path, 0o644) }
        try await BuildRunnerTests.withWorld { world in
            let sandboxed = Self.with(BuildSandbox.Settings(secretsFile: secrets, signingKeyFile: key, runnerHome: home), world)
            let pipeline = try Self.shellStep("""
                echo "token=$ALPHA_TOKEN"; cat \(secrets) \(key) \(home)/.netrc
                echo "home holds: $(ls -A \(home) 2>&1 | tr '\\n' ' ')"; echo "root holds: $(ls -A /root 2>&1 | tr '\\n' ' ')"
                true
                """, extra: "secrets: [ALPHA_TOKEN]")
            let run = try await sandboxed.createRun()
            _ = try await sandboxed.build(pipeline, runID: run)
            let log = try Self.log(sandboxed, runID: run)
            #expect(log.contains("token=alpha-value-1"), "\(log)")
            for secret in ["other-value-2", "signing-key-material", "home-secret"] {
                #expect(!log.contains(secret), "the step read \(secret): \(log)")
            }
            #expect(log.contains("home holds: \n"), "\(log)")
            if getuid() == 0 { #expect(log.contains("root holds: \n") || log.contains("Permission denied"), "\(log)") }
        }
    }

    @Test("without bubblewrap the build is refused, naming the package and --unsandboxed-builds; with the flag it runs and the run records it")
    func refusedWithoutBubblewrap() async throws {
        try await BuildRunnerTests.withWorld { world in
            let pipeline = try Self.shellStep("touch ran")
            let run = try await world.createRun()
            let missing = "/nonexistent/bin/bwrap"
            let refused = Self.with(BuildSandbox.Settings(bubblewrap: missing), world)
            let error = try await #require(throws: BuildError.self) { try await refused.build(pipeline, runID: run) }
            guard case .sandboxUnavailable(let reason) = error else {
                Issue.record("expected a refusal, got \(error)")
                return
            }
            #expect(reason.contains(missing))
            #expect(error.description.contains("--unsandboxed-builds") && error.description.contains("apt-get install bubblewrap"))
            #expect(!FileManager.default.fileExists(atPath: world.state.path("work/p/ran")))
            #expect(try await world.eventCount("run.unsandboxed") == 0)

            let allowed = Self.with(BuildSandbox.Settings(allowUnsandboxed: true, bubblewrap: missing), world)
            _ = try await allowed.build(pipeline, runID: run)
            #expect(FileManager.default.fileExists(atPath: world.state.path("work/p/ran")))
            #expect(try await world.eventCount("run.unsandboxed") == 1)
            let payload = try await TestDatabase.column(
                "SELECT payload::text FROM events WHERE kind = 'run.unsandboxed' AND subject = 'run/\(run)'", on: world.database
            )
            #expect(payload.first??.contains("--unsandboxed-builds") == true)
        }
    }

    @Test("an unsandboxed step still gets only the allow-listed environment")
    func unsandboxedEnvironmentIsAllowListed() async throws {
        try await BuildRunnerTests.withWorld { world in
            let allowed = Self.with(BuildSandbox.Settings(allowUnsandboxed: true, bubblewrap: "/nonexistent/bwrap"), world)
            let pipeline = try Self.shellStep("env")
            let run = try await allowed.createRun()
            _ = try await allowed.build(pipeline, runID: run)
            let log = try Self.log(allowed, runID: run)
            #expect(!log.contains("SLIPWAY_TEST_DATABASE_URL"))
            #expect(log.contains("HOME=\(world.state.path("home/p"))"))
        }
    }
}

/// A TCP socket listening on 127.0.0.1 (an ephemeral port) that never accepts: a connection
/// succeeds only if the connecting process shares this network namespace.
final class LoopbackListener: Sendable {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else { throw SystemError("cannot listen on 127.0.0.1", errno: errno) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(descriptor) }
}
