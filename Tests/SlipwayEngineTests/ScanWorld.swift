import Foundation
import SlipwayCore
import SlipwayEngine
import SlipwayLedger
import SlipwaySystem
import SlipwayTestSupport
import Testing

/// A repository, a state directory and a PostgreSQL ledger for tests of the build stage's scans
/// and image steps, with the scanner reports kept as SlipwayCoreTests' fixtures.
struct ScanWorld {
    var repository: TemporaryGitRepository
    var state: TemporaryDirectory
    var ledger: Ledger
    var database: DatabaseConfiguration

    /// The fixture `name` of `Tests/SlipwayCoreTests/Fixtures/Scan` (real reports in the scanners' documented formats).
    static func coreFixture(_ name: String) throws -> Data {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("SlipwayCoreTests/Fixtures/Scan/\(name)").path
        return try #require(FileManager.default.contents(atPath: path), "missing fixture \(path)")
    }

    /// The pipeline `p` of `yaml`'s `build:` and `scan:` parts (indented for `spec:`), with one dev stage.
    static func pipeline(_ parts: String, environmentPort: Int = 18700) throws -> (PipelineSpec, [SpecFile]) {
        let files = [
            SpecFile(path: "pipelines/p.yaml", contents: """
                apiVersion: slipway/v1
                kind: Pipeline
                metadata: { name: p }
                spec:
                  source: { branch: main }
                \(parts)
                  stages:
                    - environment: dev
                      strategy: { blueGreen: { scaleDownDelay: 0s } }
                """),
            SpecFile(path: "environments/dev.yaml", contents: """
                apiVersion: slipway/v1
                kind: Environment
                metadata: { name: dev }
                spec: { order: 1, target: { local: { port: \(environmentPort) } } }
                """),
        ]
        let loaded = SpecLoader.load(files)
        guard case .success(let specs) = loaded else {
            Issue.record("the test's pipeline does not load: \(loaded)")
            throw CancellationError()
        }
        return (try #require(specs.pipeline(named: "p")), files)
    }

    /// Records a run of pipeline `p` at `commit`.
    func createRun(commit: String) async throws -> Int64 {
        try await ledger.transaction { tx in
            try await tx.createRun(NewRun(pipeline: "p", commitSHA: commit, branch: "main", trigger: .manual, triggeredBy: "test")).run.id
        }
    }

    /// Builds (and scans) `pipeline` as run `runID`.
    func build(
        _ pipeline: PipelineSpec, runID: Int64, commit: String, now: Date = Date(), toolSearchPath: String? = nil,
        credentials: [String: String] = [:], progress: BuildRunnerTests.ProgressLog = .init(),
        sandbox: BuildSandbox.Settings = BuildSandbox.Settings()
    ) async throws -> [ArtifactRecord] {
        try await BuildRunner(
            stateDirectory: state.path, logger: TestDatabase.logger, now: { now }, toolSearchPath: toolSearchPath,
            credentialEnvironment: credentials, sandbox: sandbox
        ).run(
            pipeline: pipeline, runID: runID, commit: commit, repositoryPath: repository.path, ledger: ledger,
            progress: { progress.append($0) }
        )
    }

    func scans(runID: Int64) async throws -> [ScanRecord] {
        try await ledger.transaction { tx in try await tx.scans(runID: runID) }
    }

    func eventCount(_ kind: String) async throws -> Int {
        try await ledger.events(limit: 10_000).filter { $0.kind == kind }.count
    }

    static func with(_ body: (ScanWorld) async throws -> Void) async throws {
        let repository = try TemporaryGitRepository()
        let state = try TemporaryDirectory(prefix: "slipway-scan")
        try await TestDatabase.withFreshDatabase { (database: DatabaseConfiguration) in
            try await Ledger.withLedger(database, logger: TestDatabase.logger) { ledger in
                try await body(ScanWorld(repository: repository, state: state, ledger: ledger, database: database))
            }
        }
    }

    /// The BuildError the body throws; records an issue (and throws) when it throws another or none.
    static func buildError(_ body: () async throws -> Void, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> BuildError {
        do {
            try await body()
        } catch let error as BuildError {
            return error
        }
        Issue.record("expected a BuildError, the build succeeded", sourceLocation: sourceLocation)
        throw CancellationError()
    }

    /// The absolute path of `program` in PATH; fails the test, saying what to install, when it is not there.
    static func requireTool(_ program: String, install: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(directory)/\(program)") {
            return "\(directory)/\(program)"
        }
        Issue.record("\(program) is not installed, and this test runs the real one: \(install)", sourceLocation: sourceLocation)
        throw CancellationError()
    }
}
