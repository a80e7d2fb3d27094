import Foundation
import Logging
import SlipwayCore
import SlipwayEngine
import SlipwayLedger
import SlipwaySystem
import SlipwayTestSupport
import Synchronization
import Testing

/// The build stage with everything real: a git repository made with git, a PostgreSQL ledger,
/// and the steps running as child processes.
@Suite("Build runner")
struct BuildRunnerTests {
    /// The committed build script: it appends to a cached counter and writes `out/app`.
    static let buildScript = """
        set -e
        mkdir -p out .cache
        echo run >> .cache/count
        printf '#!/bin/sh\\necho hello from app\\n' > out/app
        chmod +x out/app
        echo "cache count: $(wc -l < .cache/count | tr -d ' ')"
        echo "run $SLIPWAY_RUN_ID at $SLIPWAY_COMMIT, greeting $GREETING"
        """

    /// What the script writes to `out/app`.
    static let appContents = "#!/bin/sh\necho hello from app\n"

    /// The pipeline `p` with `build` (YAML list items, indented for `build:`) as its build steps.
    static func pipeline(build: String) throws -> PipelineSpec {
        let yaml = """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              source: { branch: main }
              build:
            \(build)
              stages:
                - environment: dev
                  strategy: { blueGreen: { scaleDownDelay: 30s } }
            """
        let environment = SpecFile(path: "environments/dev.yaml", contents: """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: dev }
            spec: { order: 1, target: { local: { port: 18600 } } }
            """)
        let loaded = SpecLoader.load([SpecFile(path: "pipelines/p.yaml", contents: yaml), environment])
        guard case .success(let specs) = loaded else { throw SpecProblem(description: "\(loaded)") }
        return try #require(specs.pipeline(named: "p"))
    }

    struct SpecProblem: Error, CustomStringConvertible { var description: String }

    /// A repository whose first commit holds the build script, a state directory, and a ledger.
    struct World {
        var repository: TemporaryGitRepository
        var commit: String
        var state: TemporaryDirectory
        var ledger: Ledger
        var database: DatabaseConfiguration
        var runner: BuildRunner

        /// Records a run of pipeline `p` at `commit` and returns its id.
        func createRun(commit: String? = nil) async throws -> Int64 {
            let sha = commit ?? self.commit
            return try await ledger.transaction { transaction in
                try await transaction.createRun(NewRun(
                    pipeline: "p", commitSHA: sha, branch: "main", trigger: .manual, triggeredBy: "test"
                )).run.id
            }
        }

        /// Builds `pipeline` as run `runID` of `commit`, collecting the progress it reports.
        func build(
            _ pipeline: PipelineSpec, runID: Int64, commit: String? = nil, progress: ProgressLog = ProgressLog()
        ) async throws -> [ArtifactRecord] {
            try await runner.run(
                pipeline: pipeline, runID: runID, commit: commit ?? self.commit, repositoryPath: repository.path,
                ledger: ledger, progress: { progress.append($0) }
            )
        }

        /// The number of events of `kind` in the ledger.
        func eventCount(_ kind: String) async throws -> Int {
            let counts = try await TestDatabase.column(
                "SELECT count(*)::text FROM events WHERE kind = '\(kind)'", on: database
            )
            return Int(counts.first.flatMap { $0 } ?? "") ?? -1
        }
    }

    static func withWorld(_ body: (World) async throws -> Void) async throws {
        let repository = try TemporaryGitRepository()
        try repository.write("build.sh", buildScript)
        try repository.write("README.md", "An app.\n")
        let commit = try repository.commit("Add the build script")
        let state = try TemporaryDirectory(prefix: "slipway-build")
        try await TestDatabase.withFreshDatabase { (database: DatabaseConfiguration) in
            try await Ledger.withLedger(database, logger: TestDatabase.logger) { ledger in
                let runner = BuildRunner(stateDirectory: state.path, logger: TestDatabase.logger)
                try await body(World(
                    repository: repository, commit: commit, state: state, ledger: ledger, database: database, runner: runner
                ))
            }
        }
    }

    /// The progress a build reported, in order.
    final class ProgressLog: Sendable {
        private let events = Mutex<[BuildProgress]>([])

        func append(_ event: BuildProgress) { events.withLock { $0.append(event) } }
        var all: [BuildProgress] { events.withLock { $0 } }
    }

    /// `sha256:<hex>` of `data`, computed by coreutils' sha256sum, independently of Slipway.
    static func sha256sum(_ data: Data) throws -> String {
        let scratch = try TemporaryDirectory(prefix: "slipway-sha")
        let input = scratch.path("input")
        try data.write(to: URL(fileURLWithPath: input))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [input]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let hex = try #require(text.split(separator: " ").first)
        return "sha256:\(hex)"
    }

    static let compileStep = """
            - name: compile
              run: [sh, build.sh]
              env: { GREETING: hello }
              cache: [.cache]
              produces: { app: out/app }
        """

    @Test("the first run records the artifact with its SHA-256 and saves the cache; the next run builds on the cache")
    func firstAndSecondRun() async throws {
        try await Self.withWorld { world in
            let pipeline = try Self.pipeline(build: Self.compileStep)
            let firstRun = try await world.createRun()
            let firstProgress = ProgressLog()
            let artifacts = try await world.build(pipeline, runID: firstRun, progress: firstProgress)

            let artifact = try #require(artifacts.first)
            #expect(artifacts.count == 1)
            let layout = BuildLayout(stateDirectory: world.state.path)
            #expect(artifact.name == "app" && artifact.kind == "binary" && artifact.runID == firstRun)
            #expect(artifact.location == layout.artifactPath(runID: firstRun, name: "app"))
            #expect(artifact.location == world.state.path("artifacts/\(firstRun)/app"))
            #expect(artifact.digest == (try Self.sha256sum(Data(Self.appContents.utf8))))
            #expect(artifact.sizeBytes == Int64(Self.appContents.utf8.count))
            let copied = try #require(FileManager.default.contents(atPath: artifact.location))
            #expect(String(decoding: copied, as: UTF8.self) == Self.appContents)
            #expect(FileManager.default.isExecutableFile(atPath: artifact.location))

            let recorded = try await world.ledger.transaction { try await $0.artifacts(runID: firstRun) }
            #expect(recorded == artifacts)
            #expect(try await world.eventCount("artifact.recorded") == 1)

            let log = try String(contentsOfFile: layout.logPath(runID: firstRun, step: "compile"), encoding: .utf8)
            #expect(log.contains("cache count: 1"))
            #expect(log.contains("run \(firstRun) at \(world.commit), greeting hello"))
            #expect(layout.logPath(runID: firstRun, step: "compile") == world.state.path("logs/\(firstRun)/compile.log"))
            let cached = try String(contentsOfFile: world.state.path("cache/p/.cache/count"), encoding: .utf8)
            #expect(cached == "run\n")

            let events = firstProgress.all
            #expect(events.contains(.cacheSaved(step: "compile", path: ".cache")))
            #expect(!events.contains(.cacheRestored(step: "compile", path: ".cache")))
            #expect(events.contains { if case .stepFinished("compile", _, true) = $0 { true } else { false } })
            #expect(events.contains(.artifactRecorded(step: "compile", artifact: artifact, created: true)))

            // The next commit, a new run of the same pipeline: the cache is moved in and grows.
            try world.repository.write("README.md", "An app, changed.\n")
            let secondCommit = try world.repository.commit("Change the readme")
            let secondRun = try await world.createRun(commit: secondCommit)
            #expect(secondRun != firstRun)
            let secondProgress = ProgressLog()
            let second = try await world.build(pipeline, runID: secondRun, commit: secondCommit, progress: secondProgress)
            #expect(second.first?.digest == artifact.digest)
            #expect(second.first?.runID == secondRun)
            #expect(secondProgress.all.contains(.cacheRestored(step: "compile", path: ".cache")))
            // Both runs built in the same place, so paths a build tool keeps in its cache stay valid.
            let checkouts = (firstProgress.all + secondProgress.all).compactMap { event -> String? in
                if case .checkedOut(_, let directory) = event { return directory } else { return nil }
            }
            #expect(checkouts == [world.state.path("work/p"), world.state.path("work/p")])
            let secondLog = try String(contentsOfFile: layout.logPath(runID: secondRun, step: "compile"), encoding: .utf8)
            #expect(secondLog.contains("cache count: 2"))
            #expect(try String(contentsOfFile: world.state.path("cache/p/.cache/count"), encoding: .utf8) == "run\nrun\n")
            #expect(!FileManager.default.fileExists(atPath: world.state.path("work/p/.cache")))
            #expect(try await world.eventCount("artifact.recorded") == 2)
        }
    }

    @Test("building a run again (an interrupted run resumed) starts from a fresh checkout and records the same artifact once")
    func rerunOfTheSameRun() async throws {
        try await Self.withWorld { world in
            let pipeline = try Self.pipeline(build: Self.compileStep)
            let run = try await world.createRun()
            let first = try await world.build(pipeline, runID: run)
            // Something an interrupted attempt left behind.
            try Data("stale".utf8).write(to: URL(fileURLWithPath: world.state.path("work/p/leftover")))

            let progress = ProgressLog()
            let again = try await world.build(pipeline, runID: run, progress: progress)
            #expect(again == first)
            #expect(!FileManager.default.fileExists(atPath: world.state.path("work/p/leftover")))
            #expect(progress.all.contains(.artifactRecorded(step: "compile", artifact: try #require(first.first), created: false)))
            #expect(try await world.eventCount("artifact.recorded") == 1)
        }
    }

    @Test("a step exiting with 3 fails with its status and the end of its log; its cache is still saved")
    func failingStep() async throws {
        try await Self.withWorld { world in
            let pipeline = try Self.pipeline(build: """
                    - name: compile
                      run: [sh, -c, "mkdir -p .cache && echo partial > .cache/state; echo line one; echo the compiler says no >&2; exit 3"]
                      cache: [.cache]
                """)
            let run = try await world.createRun()
            let progress = ProgressLog()
            let error = try await #require(throws: BuildError.self) {
                try await world.build(pipeline, runID: run, progress: progress)
            }
            guard case .stepFailed(let step, let status, let logPath, let tail) = error else {
                Issue.record("expected a failed step, got \(error)")
                return
            }
            #expect(step == "compile" && status == 3)
            #expect(logPath == world.state.path("logs/\(run)/compile.log"))
            #expect(tail == "line one\nthe compiler says no")
            #expect(error.description.contains("exit status 3"))
            #expect(error.description.contains("the compiler says no"))
            #expect(error.description.contains("what to do"))
            #expect(FileManager.default.fileExists(atPath: world.state.path("cache/p/.cache/state")))
            #expect(progress.all.contains { if case .stepFinished("compile", _, false) = $0 { true } else { false } })
            #expect(try await world.ledger.transaction { try await $0.artifacts(runID: run) }.isEmpty)
        }
    }

    @Test("a step sleeping past its 1s timeout is stopped, with everything it started, and the error says it timed out")
    func timeout() async throws {
        try await Self.withWorld { world in
            // The step runs in a pid namespace of its own: its pids mean nothing on the host, so
            // its processes are found by an argument no other process has.
            let marker = "30.\(UInt32.random(in: 100_000...999_999))"
            let pipeline = try Self.pipeline(build: """
                    - name: hang
                      run: [sh, -c, "sleep \(marker) & echo waiting; wait"]
                      timeout: 1s
                """)
            let run = try await world.createRun()
            let started = ContinuousClock.now
            let error = try await #require(throws: BuildError.self) { try await world.build(pipeline, runID: run) }
            #expect(ContinuousClock.now - started < .seconds(10))
            guard case .timedOut(let step, let timeout, _, let tail) = error else {
                Issue.record("expected a timeout, got \(error)")
                return
            }
            #expect(step == "hang" && timeout == .seconds(1))
            #expect(tail == "waiting")
            #expect(error.description.contains("timed out"))

            func running() -> [pid_t] {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
                return names.compactMap(pid_t.init).filter { pid in
                    DetachedProcess.isAlive(pid) && DetachedProcess.commandLine(pid)?.contains(marker) == true
                }
            }
            // The sleeper is reparented when its shell dies; give init a moment to reap it.
            let deadline = ContinuousClock.now + .seconds(3)
            while !running().isEmpty && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(running().isEmpty, "still running: \(running())")
        }
    }

    @Test("a step printing 50 MB succeeds, its output goes to the log file, and the tail read from it is short")
    func largeOutput() async throws {
        try await Self.withWorld { world in
            let pipeline = try Self.pipeline(build: """
                    - name: chatty
                      run: [sh, -c, "yes 'a line of build output, over and over' | head -c 52428800; echo; echo last-line"]
                """)
            let run = try await world.createRun()
            let artifacts = try await world.build(pipeline, runID: run)
            #expect(artifacts.isEmpty)
            let logPath = world.state.path("logs/\(run)/chatty.log")
            let size = try #require(try FileManager.default.attributesOfItem(atPath: logPath)[.size] as? Int)
            #expect(size > 50 * 1024 * 1024)
            let tail = LogTail.read(path: logPath)
            #expect(tail.hasSuffix("last-line"))
            #expect(tail.split(separator: "\n").count <= 40)
            #expect(tail.utf8.count < 16 * 1024)

            // Failing after that much output: the error carries only the tail.
            let failing = try Self.pipeline(build: """
                    - name: chatty
                      run: [sh, -c, "yes 'a line of build output, over and over' | head -c 52428800; echo; echo fatal; exit 1"]
                """)
            let error = try await #require(throws: BuildError.self) { try await world.build(failing, runID: run) }
            let errorTail = try #require(error.logTail)
            #expect(errorTail.hasSuffix("fatal"))
            #expect(errorTail.utf8.count < 16 * 1024)
        }
    }

    @Test("a produced file the step did not write fails the build, naming the artifact and its path")
    func missingArtifact() async throws {
        try await Self.withWorld { world in
            let pipeline = try Self.pipeline(build: """
                    - name: compile
                      run: ["true"]
                      produces: { app: out/missing }
                """)
            let run = try await world.createRun()
            let error = try await #require(throws: BuildError.self) { try await world.build(pipeline, runID: run) }
            #expect(error == .artifactMissing(step: "compile", name: "app", path: "out/missing"))
            #expect(error.description.contains("app") && error.description.contains("out/missing"))
            #expect(try await world.ledger.transaction { try await $0.artifacts(runID: run) }.isEmpty)
        }
    }

    @Test("a produced file that is a symbolic link out of the checkout (to a root-only file) is refused, naming it; a link inside the checkout is followed")
    func symlinkOutOfCheckout() async throws {
        let outside = try TemporaryDirectory(prefix: "slipway-runner-private")
        let secret = outside.path("private.key")
        try "runner-private-key-material\n".write(toFile: secret, atomically: true, encoding: .utf8)
        _ = chmod(secret, 0o600)
        try await Self.withWorld { world in
            let pipeline = try Self.pipeline(build: """
                    - name: compile
                      run: [sh, -c, "mkdir -p out dir && ln -s \(secret) out/app && ln -s \(outside.path) dir/up"]
                      produces: { app: out/app }
                """)
            let run = try await world.createRun()
            let error = try await #require(throws: BuildError.self) { try await world.build(pipeline, runID: run) }
            #expect(error == .artifactOutsideCheckout(step: "compile", name: "app", path: "out/app", resolved: secret))
            #expect(error.description.contains("artifact app at out/app is a symbolic link out of the checkout, to \(secret)"))
            #expect(!FileManager.default.fileExists(atPath: world.state.path("artifacts/\(run)/app")))
            #expect(try await world.ledger.transaction { try await $0.artifacts(runID: run) }.isEmpty)

            // A link through a linked directory leads out too.
            let throughDirectory = try Self.pipeline(build: """
                    - name: compile
                      run: [sh, -c, "mkdir -p dir && ln -s \(outside.path) dir/up"]
                      produces: { app: dir/up/private.key }
                """)
            let second = try await #require(throws: BuildError.self) { try await world.build(throughDirectory, runID: run) }
            #expect(second == .artifactOutsideCheckout(step: "compile", name: "app", path: "dir/up/private.key", resolved: secret))

            let inside = try Self.pipeline(build: """
                    - name: compile
                      run: [sh, -c, "mkdir -p out && echo built > out/real && ln -s real out/app"]
                      produces: { app: out/app }
                """)
            let artifacts = try await world.build(inside, runID: run)
            #expect(artifacts.map(\.name) == ["app"])
            #expect(try String(contentsOfFile: world.state.path("artifacts/\(run)/app"), encoding: .utf8) == "built\n")
        }
    }

    @Test("cache and produces paths outside the checkout are refused, naming the step, before anything runs")
    func unsafePaths() async throws {
        try await Self.withWorld { world in
            var pipeline = try Self.pipeline(build: Self.compileStep)
            let run = try await world.createRun()
            pipeline.build[0].cache = ["../outside"]
            let cacheError = try await #require(throws: BuildError.self) { try await world.build(pipeline, runID: run) }
            #expect(cacheError == .unsafePath(step: "compile", field: "cache", path: "../outside"))
            #expect(cacheError.description.contains("compile"))
            #expect(!FileManager.default.fileExists(atPath: world.state.path("work/p")))

            pipeline.build[0].cache = [".cache"]
            pipeline.build[0].produces = ["app": "/etc/passwd"]
            let producesError = try await #require(throws: BuildError.self) { try await world.build(pipeline, runID: run) }
            #expect(producesError == .unsafePath(step: "compile", field: "produces", path: "/etc/passwd"))
        }
    }

    @Test("a program that is not in PATH fails, naming the step and the program")
    func programNotFound() async throws {
        try await Self.withWorld { world in
            let pipeline = try Self.pipeline(build: """
                    - name: compile
                      run: [no-such-compiler-here, build]
                """)
            let run = try await world.createRun()
            let error = try await #require(throws: BuildError.self) { try await world.build(pipeline, runID: run) }
            guard case .programNotFound(let step, let program, _) = error else {
                Issue.record("expected programNotFound, got \(error)")
                return
            }
            #expect(step == "compile" && program == "no-such-compiler-here")
        }
    }

    @Test("recording the same artifact twice is idempotent; another digest for it is a conflict")
    func recordArtifactIdempotent() async throws {
        try await Self.withWorld { world in
            let run = try await world.createRun()
            let digest = "sha256:" + String(repeating: "ab", count: 32)
            let first = try await world.ledger.transaction { transaction in
                try await transaction.recordArtifact(
                    runID: run, name: "app", kind: "binary", location: "/tmp/app", digest: digest, sizeBytes: 10, actor: "test"
                )
            }
            let second = try await world.ledger.transaction { transaction in
                try await transaction.recordArtifact(
                    runID: run, name: "app", kind: "binary", location: "/tmp/app", digest: digest, sizeBytes: 10, actor: "test"
                )
            }
            #expect(first.created && !second.created)
            #expect(first.artifact == second.artifact)
            #expect(try await world.eventCount("artifact.recorded") == 1)

            let conflict = try await #require(throws: LedgerError.self) {
                try await world.ledger.transaction { transaction in
                    try await transaction.recordArtifact(
                        runID: run, name: "app", kind: "binary", location: "/tmp/app",
                        digest: "sha256:" + String(repeating: "cd", count: 32), sizeBytes: 10, actor: "test"
                    )
                }
            }
            #expect(conflict.code == .conflict)
            let invalid = try await #require(throws: LedgerError.self) {
                try await world.ledger.transaction { transaction in
                    try await transaction.recordArtifact(
                        runID: run, name: "other", kind: "binary", location: "/tmp/other", digest: "md5:1234", sizeBytes: nil,
                        actor: "test"
                    )
                }
            }
            #expect(invalid.code == .invalidArgument)
            #expect(try await world.ledger.transaction { try await $0.artifacts(runID: run) } == [first.artifact])
            #expect(try await world.ledger.verifyChain().isIntact)
        }
    }
}
