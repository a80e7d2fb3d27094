import Foundation
import Logging
import SlipwayCore
import SlipwayGit
import SlipwayLedger
import SlipwaySystem

/// The build stage of a run: the pipeline's `build:` steps run, in order, as child processes in
/// a checkout of the commit; what they produce is copied out, hashed and recorded in the ledger.
/// An image step builds an OCI image from a Containerfile of the commit, pushes it, and records
/// its digest (``ImageStep``). Then the `scan:` entries run (``ScanStage``): each is recorded as
/// a scan of the run, and a failing one throws ``BuildError/scans(_:)``, so nothing is promoted.
///
/// Files live under the state directory as ``BuildLayout`` describes: the checkout in
/// `work/<run>` (made afresh on every attempt, so a resumed run starts clean), each step's
/// output in `work/<run>/logs/<step>.log`, the pipeline's caches in `cache/<pipeline>` (moved
/// into the checkout for each step and back after it, so the next run builds incrementally),
/// and the artifacts in `artifacts/<run>`.
///
/// A command step and a scanner run in a sandbox (``BuildSandbox``: bubblewrap, the checkout
/// writable, Slipway's state directory, the runner's HOME, secrets file and signing key out of
/// sight (``RunnerPrivatePaths``), no network unless the step says
/// `network: true`, nobody when Slipway is root) with an environment from an allow-list
/// (``StepEnvironment``: PATH, the locale, a private HOME, the step's `env:`, the secrets it
/// names, `SLIPWAY_RUN_ID` and `SLIPWAY_COMMIT`). Without bubblewrap the build is refused unless
/// the runner allows unsandboxed builds, and then the run records a `run.unsandboxed` event.
/// A step fails the build when it exits non-zero or outlives its `timeout:` (then its whole
/// process group gets SIGTERM, and SIGKILL 5 s later).
public struct BuildRunner: Sendable {
    public let layout: BuildLayout
    let logger: Logger
    /// Who the ledger's events name as having recorded the artifacts.
    let actor: String
    /// How long a step that timed out gets between SIGTERM and SIGKILL.
    let terminationGrace: Duration
    /// The clock scan policies are judged by (an ignore entry's expiry).
    let now: @Sendable () -> Date
    /// The PATH image builders and scanners are found in; nil for Slipway's own.
    let toolSearchPath: String?
    /// The environment registry credentials are read from (``RegistryCredentials``).
    let credentialEnvironment: [String: String]
    /// How steps and scanners are sandboxed, and where the runner's secrets are.
    let sandboxSettings: BuildSandbox.Settings

    public init(
        stateDirectory: String, logger: Logger, actor: String = "slipway", now: @escaping @Sendable () -> Date = { Date() },
        toolSearchPath: String? = nil, credentialEnvironment: [String: String] = ProcessInfo.processInfo.environment,
        sandbox: BuildSandbox.Settings = BuildSandbox.Settings()
    ) {
        self.layout = BuildLayout(stateDirectory: stateDirectory)
        self.logger = logger
        self.actor = actor
        self.terminationGrace = .seconds(5)
        self.now = now
        self.toolSearchPath = toolSearchPath
        self.credentialEnvironment = credentialEnvironment
        self.sandboxSettings = sandbox
    }

    /// Checks out `commit` of the repository at `repositoryPath`, runs the pipeline's build
    /// steps there and records what they produce as artifacts of run `runID` (which must exist
    /// in the ledger), then runs the pipeline's scans. Returns the artifacts: the files the steps
    /// produced (in step order, by name within a step), then the images, then the SBOMs.
    ///
    /// Running it again for the same run (after an interruption) starts from a fresh checkout;
    /// an artifact already recorded is accepted again only with the same digest (an image is built
    /// with the commit's time as its timestamp, so the same commit gives the same digest; an SBOM
    /// already recorded is kept).
    ///
    /// - Throws: ``BuildError`` naming the step or scans that failed and what to do; `LedgerError`
    ///   when recording fails; `CancellationError` when the task is cancelled (the running step is
    ///   stopped first, and its caches put back).
    public func run(
        pipeline: PipelineSpec, runID: Int64, commit: String, repositoryPath: String, ledger: Ledger,
        progress: @Sendable (BuildProgress) -> Void = { _ in }
    ) async throws -> [ArtifactRecord] {
        guard commit.utf8.count == GitObjectID.hexLength, let commitID = GitObjectID(sha: commit) else {
            throw BuildError.invalidCommit(commit)
        }
        let plans = try Self.plans(for: pipeline)
        let secrets = try BuildSecrets.load(
            file: sandboxSettings.secretsFile ?? layout.defaultSecretsFile, required: sandboxSettings.secretsFile != nil
        )
        for plan in plans { _ = try secrets.named(plan.step.secrets, step: plan.name) }
        let sandbox = try await BuildSandbox.resolve(sandboxSettings)
        let privatePaths = RunnerPrivatePaths.of(
            sandboxSettings, stateDirectory: layout.stateDirectory, defaultSecretsFile: layout.defaultSecretsFile
        )
        if case .unsandboxed(let reason) = sandbox.mode, !pipeline.build.isEmpty || !pipeline.scan.isEmpty {
            try await recordUnsandboxed(runID: runID, reason: reason, in: ledger)
        }
        let checkout = layout.workDirectory(pipeline: pipeline.name)
        let commitTime = try check(out: commitID, from: repositoryPath, into: checkout)
        progress(.checkedOut(commit: commitID.sha, directory: checkout))
        // Not emptied on a new attempt: an SBOM an earlier attempt recorded stays valid.
        for directory in [layout.artifactDirectory(runID: runID), layout.logDirectory(runID: runID), layout.reportDirectory(runID: runID)] {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw BuildError.fileSystem(step: nil, operation: "create the directory \(directory)", message: "\(error)")
            }
        }

        let cache = BuildCache(layout: layout, pipeline: pipeline.name)
        let scannedImages = Self.scannedImages(pipeline)
        var files: [ArtifactRecord] = []
        var imageRecords: [ArtifactRecord] = []
        var images: [BuiltImage] = []
        defer { Self.removeArchives(of: images) }
        for (index, plan) in plans.enumerated() {
            let context = StepRun(
                plan: plan, index: index + 1, count: plans.count, runID: runID, commit: commitID.sha, checkout: checkout,
                commitTime: commitTime, keepArchive: scannedImages.contains(plan.name), sandbox: sandbox, secrets: secrets,
                privatePaths: privatePaths
            )
            switch try await runStep(context, cache: cache, progress: progress) {
            case .files(let produced):
                for artifact in produced {
                    let record = try await record(
                        in: ledger, step: plan.name, runID: runID, name: artifact.name, kind: "binary", location: artifact.location,
                        digest: artifact.digest.digest, sizeBytes: artifact.digest.sizeBytes, progress: progress
                    )
                    files.append(record)
                }
            case .image(let image):
                images.append(image)
                let record = try await record(
                    in: ledger, step: plan.name, runID: runID, name: plan.name, kind: "image", location: image.reference,
                    digest: image.digest, sizeBytes: nil, progress: progress
                )
                imageRecords.append(record)
            }
        }

        let blank: BlankScannerConfiguration
        do {
            blank = try BlankScannerConfiguration.prepare(in: layout.scannerDirectory)
        } catch {
            throw BuildError.fileSystem(step: nil, operation: "prepare the scanners' empty configuration in \(layout.scannerDirectory)", message: "\(error)")
        }
        let scans = ScanStage(
            context: ScanContext(
                runID: runID, checkout: checkout, layout: layout, images: images, ledger: ledger, now: now(), grace: terminationGrace,
                searchPath: toolSearchPath, sandbox: sandbox, privatePaths: privatePaths, blank: blank,
                committedFile: { path in
                    try GitRepository.withRepository(at: repositoryPath) { repository in try repository.readFile(path, at: commitID) }
                }
            ),
            actor: actor, logger: logger
        )
        let sboms = try await scans.run(pipeline.scan, progress: progress)
        return files + imageRecords + sboms
    }

    /// Records in the ledger that run `runID`'s steps and scanners run without a sandbox, and why.
    private func recordUnsandboxed(runID: Int64, reason: String, in ledger: Ledger) async throws {
        let actor = actor
        logger.warning("building without a sandbox (--unsandboxed-builds)", metadata: ["run": "\(runID)", "reason": "\(reason)"])
        try await ledger.transaction { transaction in
            _ = try await transaction.appendEvent(NewEvent(
                actor: actor, kind: "run.unsandboxed", subject: "run/\(runID)",
                payload: .object([
                    "flag": .string("--unsandboxed-builds"), "reason": .string(reason),
                ])
            ))
        }
    }

    /// Records an artifact of the run in the ledger and reports it.
    private func record(
        in ledger: Ledger, step: String, runID: Int64, name: String, kind: String, location: String, digest: String, sizeBytes: Int64?,
        progress: @Sendable (BuildProgress) -> Void
    ) async throws -> ArtifactRecord {
        let actor = actor
        let (record, created) = try await ledger.transaction { transaction in
            try await transaction.recordArtifact(
                runID: runID, name: name, kind: kind, location: location, digest: digest, sizeBytes: sizeBytes, actor: actor
            )
        }
        logger.info("artifact recorded", metadata: [
            "run": "\(runID)", "artifact": "\(record.name)", "kind": "\(kind)", "digest": "\(record.digest)", "new": "\(created)",
        ])
        progress(.artifactRecorded(step: step, artifact: record, created: created))
        return record
    }

    /// One step of one run: what ``runStep(_:cache:progress:)`` needs to know.
    struct StepRun {
        var plan: BuildStepPlan
        var index: Int
        var count: Int
        var runID: Int64
        var commit: String
        var checkout: String
        /// The commit's time, in seconds since 1970 (an image's timestamp).
        var commitTime: Int64
        /// Whether an image step keeps a local archive of its image for the scans.
        var keepArchive: Bool
        var sandbox: BuildSandbox
        var secrets: BuildSecrets
        /// The runner's files the step may not see.
        var privatePaths: RunnerPrivatePaths
    }

    /// What a step made: files (a command step's `produces`), or an image.
    enum StepResult {
        case files([ProducedArtifact])
        case image(BuiltImage)
    }

    /// Restores the step's caches, runs it, copies out what it produced, and saves its caches
    /// again whether it succeeded or not.
    private func runStep(
        _ run: StepRun, cache: BuildCache, progress: @Sendable (BuildProgress) -> Void
    ) async throws -> StepResult {
        let name = run.plan.name
        let logPath = layout.logPath(runID: run.runID, step: name)
        logger.info("build step started", metadata: ["run": "\(run.runID)", "step": "\(name)", "log": "\(logPath)"])
        progress(.stepStarted(step: name, index: run.index, count: run.count, logPath: logPath))
        let started = ContinuousClock.now

        var failure: (any Error)?
        var result = StepResult.files([])
        do {
            for path in run.plan.cache {
                if try cache.restore(path, into: run.checkout, step: name) { progress(.cacheRestored(step: name, path: path)) }
            }
            if let image = run.plan.step.image {
                result = .image(try await buildImage(image, run, logPath: logPath))
            } else {
                try await execute(run, logPath: logPath)
                // Before the caches are saved: a produced file may live inside a cached path.
                result = .files(try ProducedArtifact.collect(run.plan, checkout: run.checkout, layout: layout, runID: run.runID))
            }
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
        return result
    }

    /// Runs the step's program to its end, its output in `logPath`.
    private func execute(_ run: StepRun, logPath: String) async throws {
        let step = run.plan.step
        let directory = run.plan.workingDirectory.isEmpty ? run.checkout : "\(run.checkout)/\(run.plan.workingDirectory)"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw BuildError.workingDirectoryMissing(step: step.name, path: run.plan.workingDirectory)
        }

        let runnerEnvironment = ProcessInfo.processInfo.environment
        let home = try run.sandbox.isSandboxed ? SandboxProfile.home : privateHome(for: run)
        let environment = try StepEnvironment.make(
            runner: runnerEnvironment, home: home, env: step.env, secrets: run.secrets.named(step.secrets, step: step.name),
            runID: run.runID, commit: run.commit
        )
        let searchPath = environment["PATH"] ?? ProgramLookup.defaultSearchPath
        guard let program = step.run.first else {
            throw BuildError.programNotFound(step: step.name, program: "", searchPath: searchPath)
        }
        guard let executable = ProgramLookup.resolve(program, in: directory, searchPath: searchPath) else {
            throw BuildError.programNotFound(step: step.name, program: program, searchPath: searchPath)
        }

        var profile = SandboxProfile(directory: directory, network: step.network, hidden: [layout.stateDirectory], writable: [run.checkout])
        let asOthers = run.sandbox.runsAsOthers(profile)
        run.privatePaths.hide(in: &profile, asOthers: asOthers)
        profile.readOnly = SandboxProfile.hiddenSearchPath(
            MinimalEnvironment.of(runnerEnvironment)["PATH"] ?? "", stateDirectory: layout.stateDirectory, hidden: profile.hidden,
            reachableByOthers: asOthers
        )
        let command: (executable: String, arguments: [String])
        do {
            try run.sandbox.handOver(run.checkout)
            command = try run.sandbox.wrap(executable: executable, arguments: Array(step.run.dropFirst()), profile: profile)
        } catch {
            throw BuildError.sandboxFailed(step: step.name, message: error.message)
        }
        let process: StepProcess
        do {
            process = try StepProcess.spawn(
                executable: command.executable, arguments: command.arguments, environment: environment,
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

    /// HOME for an unsandboxed step: `home/<pipeline>` under the state directory, not the runner's.
    private func privateHome(for run: StepRun) throws(BuildError) -> String {
        let home = layout.homeDirectory(pipeline: (run.checkout as NSString).lastPathComponent)
        do {
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        } catch {
            throw .fileSystem(step: run.plan.name, operation: "create the step's HOME \(home)", message: "\(error)")
        }
        return home
    }

    /// The pipeline's steps, checked; also refuses two steps producing one artifact name.
    private static func plans(for pipeline: PipelineSpec) throws(BuildError) -> [BuildStepPlan] {
        var producers: [String: String] = [:]
        var plans: [BuildStepPlan] = []
        for step in pipeline.build {
            let plan = try BuildStepPlan(step)
            // An image step's artifact is named after the step.
            for name in step.image == nil ? plan.produces.map(\.name) : [step.name] {
                if let first = producers[name] { throw .duplicateArtifact(step: step.name, name: name, firstStep: first) }
                producers[name] = step.name
            }
            plans.append(plan)
        }
        return plans
    }

    /// Writes the commit into `directory`, removing what an interrupted attempt left there.
    /// Returns the commit's time (its committer's), in seconds since 1970.
    private func check(out commit: GitObjectID, from repositoryPath: String, into directory: String) throws(BuildError) -> Int64 {
        try Self.freshDirectory(directory, operation: "prepare the work directory")
        let time: Date
        do {
            time = try GitRepository.withRepository(at: repositoryPath) { repository in
                try repository.checkout(commit, into: directory)
                return try repository.commit(commit).committer.time
            }
        } catch {
            throw .checkoutFailed(commit: commit.sha, directory: directory, message: "\(error)")
        }
        logger.info("checked out", metadata: ["commit": "\(commit.short)", "directory": "\(directory)"])
        return Int64(time.timeIntervalSince1970.rounded(.down))
    }

    /// Removes `directory` if it exists and creates it empty (with its parents).
    static func freshDirectory(_ directory: String, operation: String) throws(BuildError) {
        let files = FileManager.default
        do {
            if files.fileExists(atPath: directory) { try files.removeItem(atPath: directory) }
            try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .fileSystem(step: nil, operation: "\(operation) \(directory)", message: "\(error)")
        }
    }
}
