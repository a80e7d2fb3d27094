import Foundation
import Logging
import SlipwayCore
import SlipwayGit
import SlipwayLedger

/// The build stage of a run: the pipeline's `build:` steps run, in order, as child processes in
/// a checkout of the commit; what they produce is copied out, hashed and recorded in the ledger.
///
/// Files live under the state directory as ``BuildLayout`` describes: the checkout in
/// `work/<run>` (made afresh on every attempt, so a resumed run starts clean), each step's
/// output in `work/<run>/logs/<step>.log`, the pipeline's caches in `cache/<pipeline>` (moved
/// into the checkout for each step and back after it, so the next run builds incrementally),
/// and the artifacts in `artifacts/<run>`.
///
/// A step runs with Slipway's environment plus its `env:` plus `SLIPWAY_RUN_ID` and
/// `SLIPWAY_COMMIT`; it fails the build when it exits non-zero or outlives its `timeout:`
/// (then its whole process group gets SIGTERM, and SIGKILL 5 s later).
public struct BuildRunner: Sendable {
    public let layout: BuildLayout
    let logger: Logger
    /// Who the ledger's events name as having recorded the artifacts.
    let actor: String
    /// How long a step that timed out gets between SIGTERM and SIGKILL.
    let terminationGrace: Duration

    public init(stateDirectory: String, logger: Logger, actor: String = "slipway") {
        self.layout = BuildLayout(stateDirectory: stateDirectory)
        self.logger = logger
        self.actor = actor
        self.terminationGrace = .seconds(5)
    }

    /// Checks out `commit` of the repository at `repositoryPath`, runs the pipeline's build
    /// steps there and records what they produce as artifacts of run `runID` (which must exist
    /// in the ledger). Returns the artifacts, in step order and by name within a step.
    ///
    /// Running it again for the same run (after an interruption) starts from a fresh checkout;
    /// an artifact already recorded is accepted again only with the same digest.
    ///
    /// - Throws: ``BuildError`` naming the step that failed and what to do; `LedgerError` when
    ///   recording fails; `CancellationError` when the task is cancelled (the running step is
    ///   stopped first, and its caches put back).
    public func run(
        pipeline: PipelineSpec, runID: Int64, commit: String, repositoryPath: String, ledger: Ledger,
        progress: @Sendable (BuildProgress) -> Void = { _ in }
    ) async throws -> [ArtifactRecord] {
        guard commit.utf8.count == GitObjectID.hexLength, let commitID = GitObjectID(sha: commit) else {
            throw BuildError.invalidCommit(commit)
        }
        let plans = try Self.plans(for: pipeline)
        let checkout = layout.workDirectory(runID: runID)
        try check(out: commitID, from: repositoryPath, into: checkout)
        progress(.checkedOut(commit: commitID.sha, directory: checkout))
        try Self.freshDirectory(layout.artifactDirectory(runID: runID), operation: "prepare the artifact directory")
        do {
            try FileManager.default.createDirectory(atPath: layout.logDirectory(runID: runID), withIntermediateDirectories: true)
        } catch {
            throw BuildError.fileSystem(step: nil, operation: "create the log directory \(layout.logDirectory(runID: runID))", message: "\(error)")
        }

        let cache = BuildCache(layout: layout, pipeline: pipeline.name)
        var records: [ArtifactRecord] = []
        for (index, plan) in plans.enumerated() {
            let context = StepRun(
                plan: plan, index: index + 1, count: plans.count, runID: runID, commit: commitID.sha, checkout: checkout
            )
            let produced = try await runStep(context, cache: cache, progress: progress)
            for artifact in produced {
                let (record, created) = try await ledger.transaction { transaction in
                    try await transaction.recordArtifact(
                        runID: runID, name: artifact.name, kind: "binary", location: artifact.location,
                        digest: artifact.digest.digest, sizeBytes: artifact.digest.sizeBytes, actor: actor
                    )
                }
                logger.info("artifact recorded", metadata: [
                    "run": "\(runID)", "artifact": "\(record.name)", "digest": "\(record.digest)", "new": "\(created)",
                ])
                progress(.artifactRecorded(step: plan.name, artifact: record, created: created))
                records.append(record)
            }
        }
        return records
    }

    /// One step of one run: what ``runStep(_:cache:progress:)`` needs to know.
    private struct StepRun {
        var plan: BuildStepPlan
        var index: Int
        var count: Int
        var runID: Int64
        var commit: String
        var checkout: String
    }

    /// Restores the step's caches, runs it, copies out what it produced, and saves its caches
    /// again whether it succeeded or not.
    private func runStep(
        _ run: StepRun, cache: BuildCache, progress: @Sendable (BuildProgress) -> Void
    ) async throws -> [ProducedArtifact] {
        let name = run.plan.name
        let logPath = layout.logPath(runID: run.runID, step: name)
        logger.info("build step started", metadata: ["run": "\(run.runID)", "step": "\(name)", "log": "\(logPath)"])
        progress(.stepStarted(step: name, index: run.index, count: run.count, logPath: logPath))
        let started = ContinuousClock.now

        var failure: (any Error)?
        var produced: [ProducedArtifact] = []
        do {
            for path in run.plan.cache {
                if try cache.restore(path, into: run.checkout, step: name) { progress(.cacheRestored(step: name, path: path)) }
            }
            try await execute(run, logPath: logPath)
            // Before the caches are saved: a produced file may live inside a cached path.
            produced = try ProducedArtifact.collect(run.plan, checkout: run.checkout, layout: layout, runID: run.runID)
        } catch {
            failure = error
        }
        for path in run.plan.cache {
            do {
                if try cache.save(path, from: run.checkout, step: name) { progress(.cacheSaved(step: name, path: path)) }
            } catch {
                failure = failure ?? error
            }
        }

        let duration = ContinuousClock.now - started
        progress(.stepFinished(step: name, duration: duration, succeeded: failure == nil))
        if let failure {
            // The caller reports the whole error (with the log's tail); the log gets its first line.
            let summary = "\(failure)".split(separator: "\n").first.map(String.init) ?? "\(failure)"
            logger.notice("build step failed", metadata: ["run": "\(run.runID)", "step": "\(name)", "error": "\(summary)"])
            throw failure
        }
        logger.info("build step succeeded", metadata: ["run": "\(run.runID)", "step": "\(name)", "duration": "\(duration)"])
        return produced
    }

    /// Runs the step's program to its end, its output in `logPath`.
    private func execute(_ run: StepRun, logPath: String) async throws {
        let step = run.plan.step
        let directory = run.plan.workingDirectory.isEmpty ? run.checkout : "\(run.checkout)/\(run.plan.workingDirectory)"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw BuildError.workingDirectoryMissing(step: step.name, path: run.plan.workingDirectory)
        }

        var environment = ProcessInfo.processInfo.environment
        environment.merge(step.env) { _, new in new }
        environment["SLIPWAY_RUN_ID"] = String(run.runID)
        environment["SLIPWAY_COMMIT"] = run.commit
        let searchPath = environment["PATH"] ?? ProgramLookup.defaultSearchPath
        guard let program = step.run.first else {
            throw BuildError.programNotFound(step: step.name, program: "", searchPath: searchPath)
        }
        guard let executable = ProgramLookup.resolve(program, in: directory, searchPath: searchPath) else {
            throw BuildError.programNotFound(step: step.name, program: program, searchPath: searchPath)
        }

        let process: StepProcess
        do {
            process = try StepProcess.spawn(
                executable: executable, arguments: Array(step.run.dropFirst()), environment: environment,
                directory: directory, logPath: logPath
            )
        } catch {
            throw BuildError.spawnFailed(step: step.name, program: executable, message: error.message)
        }
        switch try await process.wait(timeout: step.timeout, grace: terminationGrace) {
        case .exited(0):
            return
        case .exited(let status):
            throw BuildError.stepFailed(step: step.name, status: status, logPath: logPath, logTail: LogTail.read(path: logPath))
        case .timedOut:
            throw BuildError.timedOut(step: step.name, timeout: step.timeout, logPath: logPath, logTail: LogTail.read(path: logPath))
        }
    }

    /// The pipeline's steps, checked; also refuses two steps producing one artifact name.
    private static func plans(for pipeline: PipelineSpec) throws(BuildError) -> [BuildStepPlan] {
        var producers: [String: String] = [:]
        var plans: [BuildStepPlan] = []
        for step in pipeline.build {
            let plan = try BuildStepPlan(step)
            for (name, _) in plan.produces {
                if let first = producers[name] { throw .duplicateArtifact(step: step.name, name: name, firstStep: first) }
                producers[name] = step.name
            }
            plans.append(plan)
        }
        return plans
    }

    /// Writes the commit into `directory`, removing what an interrupted attempt left there.
    private func check(out commit: GitObjectID, from repositoryPath: String, into directory: String) throws(BuildError) {
        try Self.freshDirectory(directory, operation: "prepare the work directory")
        do {
            try GitRepository.withRepository(at: repositoryPath) { repository in
                try repository.checkout(commit, into: directory)
            }
        } catch {
            throw .checkoutFailed(commit: commit.sha, directory: directory, message: "\(error)")
        }
        logger.info("checked out", metadata: ["commit": "\(commit.short)", "directory": "\(directory)"])
    }

    /// Removes `directory` if it exists and creates it empty (with its parents).
    private static func freshDirectory(_ directory: String, operation: String) throws(BuildError) {
        let files = FileManager.default
        do {
            if files.fileExists(atPath: directory) { try files.removeItem(atPath: directory) }
            try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .fileSystem(step: nil, operation: "\(operation) \(directory)", message: "\(error)")
        }
    }
}
