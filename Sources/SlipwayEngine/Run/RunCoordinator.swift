import AsyncHTTPClient
import Foundation
import Logging
import SlipwayCore
import SlipwayGit
import SlipwayLedger
import SlipwaySystem
import SlipwayTargets

/// Runs one pipeline at one commit: records the run (once, however often it is triggered),
/// builds it, and promotes the release through the pipeline's stages in order, each with a
/// ``PromotionDriver``. Started again on the same commit, it continues where the ledger says the
/// run stopped: finished stages are not repeated, an unfinished promotion is resumed.
public struct RunCoordinator: Sendable {
    public var stateDirectory: String
    /// The git repository the specs and the code come from (a work tree or a bare mirror).
    public var repositoryPath: String
    public var ledger: Ledger
    public var actor: String
    public var trigger: RunTrigger
    public var logger: Logger
    public var progress: @Sendable (RunProgress) -> Void
    /// A protected ref (`refs/heads/policy`, `origin/policy`) the environments are read from
    /// instead of the commit being promoted (`--policy-ref`); nil reads them at the commit.
    public var policyRef: String?
    /// How build steps and scanners are sandboxed (bubblewrap, or `--unsandboxed-builds`), and the runner's secrets file.
    public var buildSandbox: BuildSandbox.Settings

    public init(
        stateDirectory: String, repositoryPath: String, ledger: Ledger, actor: String, trigger: RunTrigger = .manual,
        logger: Logger, progress: @escaping @Sendable (RunProgress) -> Void = { _ in },
        buildSandbox: BuildSandbox.Settings = BuildSandbox.Settings()
    ) {
        self.stateDirectory = stateDirectory
        self.repositoryPath = repositoryPath
        self.ledger = ledger
        self.actor = actor
        self.trigger = trigger
        self.logger = logger
        self.progress = progress
        self.buildSandbox = buildSandbox
    }

    /// The outcome of a run.
    public struct Outcome: Sendable {
        public var run: RunRecord
        public var promotions: [PromotionRecord]
    }

    /// Runs `pipelineName` (the only pipeline when nil) at `revision`.
    public func run(pipeline pipelineName: String?, revision: String, branch: String = "main") async throws -> Outcome {
        let (commit, specs, policyCommit) = try GitRepository.withRepository(at: repositoryPath) { repository in
            let id = try repository.resolve(revision)
            let info = try repository.commit(id)
            var files = try repository.specFiles(at: id)
            var policyCommit: GitObjectID?
            if let policyRef {
                // Environments come from the protected ref, not from the commit being promoted.
                let ref: GitObjectID
                do { ref = try repository.resolve(policyRef) } catch {
                    throw RunError("--policy-ref \(policyRef) names nothing in \(repositoryPath): \(error)")
                }
                files = files.filter { !$0.path.hasPrefix("environments/") }
                    + (try repository.specFiles(at: ref)).filter { $0.path.hasPrefix("environments/") }
                policyCommit = ref
            }
            return (info, files, policyCommit)
        }
        var specSet: SpecSet
        switch SpecLoader.load(specs) {
        case .success(let loaded):
            specSet = loaded
            // An `Environment` document the commit put under pipelines/ is not the ref's.
            if policyRef != nil { specSet.environments.removeAll { !$0.location.file.hasPrefix("environments/") } }
        case .failure(let error):
            if let policyRef, let policyCommit {
                throw RunError(
                    "the pipelines at \(commit.id.short) with the environments of \(policyRef) (\(policyCommit.short)) are not valid:\n\(error)"
                )
            }
            throw RunError("the specs at \(commit.id.short) are not valid; run `slipway validate --rev \(commit.id.short)`:\n\(error)")
        }
        let pipeline: PipelineSpec
        if let pipelineName {
            guard let match = specSet.pipeline(named: pipelineName) else {
                throw RunError("there is no pipeline '\(pipelineName)' at \(commit.id.short)")
            }
            pipeline = match
        } else {
            guard specSet.pipelines.count == 1, let only = specSet.pipelines.first else {
                throw RunError("name the pipeline with --pipeline: \(specSet.pipelines.map(\.name).joined(separator: ", "))")
            }
            pipeline = only
        }
        let sha = commit.id.sha
        let recorded: (run: RunRecord, created: Bool) = try await ledger.transaction { tx in
            try await tx.createRun(NewRun(
                pipeline: pipeline.name, commitSHA: sha, branch: branch, trigger: trigger, triggeredBy: actor,
                commitAuthor: commit.author.description
            ))
        }
        let announced = OnceFlag()
        // One runner at a time works on a run; a second one waits, then finds it done.
        return try await ledger.withLock("run:\(recorded.run.id)", waiting: {
            if announced.claim() { progress(.waitingForRun(runID: recorded.run.id)) }
        }) {
            let current = try await ledger.transaction { tx in try await tx.run(id: recorded.run.id) } ?? recorded.run
            return try await execute(run: current, resumed: !recorded.created, pipeline: pipeline, specs: specSet, commit: commit)
        }
    }

    /// Builds and promotes a run, holding its lock.
    private func execute(run: RunRecord, resumed: Bool, pipeline: PipelineSpec, specs specSet: SpecSet, commit: GitCommitInfo) async throws -> Outcome {
        let sha = run.commitSHA
        progress(.runStarted(runID: run.id, pipeline: pipeline.name, commit: commit.id.short, resumed: resumed))
        if run.status.isFinished {
            let promotions = try await ledger.transaction { tx in
                try await pipeline.stages.asyncCompactMap { try await tx.promotion(runID: run.id, environment: $0.environment) }
            }
            return Outcome(run: run, promotions: promotions)
        }
        if run.status == .pending {
            try await ledger.transaction { tx in _ = try await tx.moveRun(id: run.id, to: .running, actor: actor) }
        }
        // No stage may skip an environment of the promotion order (known to the ledger too, so a
        // commit cannot drop one by deleting its file), and no new environment may take over the
        // target of one whose policy is in effect: refused before anything is built.
        let inEffect = try await ledger.transaction { tx in try await tx.policiesInEffect() }
        let order = PromotionOrder(release: specSet.environments, inEffect: inEffect)
        let skipped = pipeline.stages.lazy.compactMap { order.refusal(of: $0, in: pipeline)?.description }.first
        if let refusal = skipped ?? TargetTakeover.find(release: specSet.environments, inEffect: inEffect)?.description {
            let finished = try await ledger.transaction { tx in
                try await tx.moveRun(id: run.id, to: .failed, failure: "policy: \(refusal)", actor: actor)
            }
            progress(.runFailed(runID: finished.id, reason: "\(refusal)"))
            let promotions = try await ledger.transaction { tx in
                try await pipeline.stages.asyncCompactMap { try await tx.promotion(runID: run.id, environment: $0.environment) }
            }
            return Outcome(run: finished, promotions: promotions)
        }

        do {
            // A pipeline's runs build in one work directory (so caches stay valid): one at a time.
            let artifacts = try await ledger.withLock("build:\(pipeline.name)") {
                try await BuildRunner(stateDirectory: stateDirectory, logger: logger, sandbox: buildSandbox).run(
                    pipeline: pipeline, runID: run.id, commit: sha, repositoryPath: repositoryPath, ledger: ledger,
                    progress: { progress(.build($0)) }
                )
            }
            var promotions: [PromotionRecord] = []
            for stage in pipeline.stages {
                let promotion = try await promote(stage: stage, pipeline: pipeline, specs: specSet, run: run, artifacts: artifacts)
                promotions.append(promotion)
                guard promotion.status == .succeeded else {
                    let failure = "\(stage.environment): \(promotion.status.rawValue)" + (promotion.reason.map { ": \($0)" } ?? "")
                    // A superseded run did nothing wrong: a newer one carries its changes on.
                    let status: RunStatus = promotion.status == .superseded ? .cancelled : .failed
                    let finished = try await ledger.transaction { tx in
                        try await tx.moveRun(id: run.id, to: status, failure: failure, actor: actor)
                    }
                    return Outcome(run: finished, promotions: promotions)
                }
            }
            let finished = try await ledger.transaction { tx in try await tx.moveRun(id: run.id, to: .succeeded, actor: actor) }
            return Outcome(run: finished, promotions: promotions)
        } catch let error as BuildError {
            let finished = try await ledger.transaction { tx in
                try await tx.moveRun(id: run.id, to: .failed, failure: "build: \(error)", actor: actor)
            }
            progress(.runFailed(runID: finished.id, reason: "\(error)"))
            throw error
        }
    }

    /// Creates (or finds) the promotion of the run's release to `stage`'s environment and drives it.
    func promote(
        stage: StageSpec, pipeline: PipelineSpec, specs: SpecSet, run: RunRecord, artifacts: [ArtifactRecord]
    ) async throws -> PromotionRecord {
        guard let environment = specs.environment(named: stage.environment) else {
            throw RunError("the stage names an environment '\(stage.environment)' that the specs do not define")
        }
        guard case .local(let port) = environment.target else {
            throw RunError("\(environment.name) uses a Kubernetes target, which this build of Slipway cannot drive yet")
        }
        guard let modelSpec = pipeline.model else {
            throw RunError("the pipeline \(pipeline.name) names no model; ModelServe needs one (spec.model.name)")
        }
        // A Modelfile that cannot be read leaves the spec's name; the model step then fails saying why.
        let modelfile = modelSpec.modelfile.flatMap { path in try? readFile(path, at: run.commitSHA) }
        let model = ReleaseModelName.forRelease(specName: modelSpec.name, modelfile: modelfile)
        guard let binary = artifacts.first(where: { $0.name == "binary" }) ?? artifacts.first(where: { $0.kind == "binary" }) else {
            throw RunError("the build of \(pipeline.name) produced no artifact to run; declare one with `produces: { binary: PATH }`")
        }
        let releaseID = "\(pipeline.name)-\(String(run.commitSHA.prefix(12)))"
        // Recorded before waiting for the environment, so an older release waiting at the
        // environment's gate sees this one coming and stands aside (it is superseded).
        try await ledger.transaction { tx in
            if try await tx.promotion(runID: run.id, environment: environment.name) == nil {
                _ = try await tx.createPromotion(
                    run: run, environment: environment.name, releaseID: releaseID, strategy: stage.strategy.name, actor: actor
                )
            }
        }
        // The gate waits (soak, approval) without holding the environment, so a release waiting
        // for approval holds up neither `slipway rollback` nor the drift monitor there.
        let local = LocalEnvironment.forSpec(name: environment.name, port: port, stateDirectory: stateDirectory)
        let judged = try await gate(for: stage, environment: environment, pipeline: pipeline, specs: specs, commitSHA: run.commitSHA)
        let plan = PromotionPlanner.steps(for: stage, in: pipeline, gate: judged.requirements)
        if let violation = try await scanViolations(judged, runID: run.id) {
            // Nothing moved: the promotion fails before its gate, saying which rule decided.
            return try await ledger.transaction { tx in
                guard let promotion = try await tx.promotion(runID: run.id, environment: environment.name) else {
                    throw RunError("the promotion of run \(run.id) to \(environment.name) vanished from the ledger")
                }
                guard promotion.status == .pending || promotion.status == .waiting else { return promotion }
                return try await tx.movePromotion(id: promotion.id, to: .failed, actor: actor, reason: violation)
            }
        }
        if let waiting = try await ledger.transaction({ tx in try await tx.promotion(runID: run.id, environment: environment.name) }),
           !waiting.status.isFinished, waiting.status != .progressing {
            // The release is copied into the environment's store while the gate waits, not after
            // it opens (a debug model-serve is 120 MB: half a second between approval and moving).
            _ = try ReleaseStore(directory: local.directory).keep(
                artifact: binary.location, release: releaseID, commitSHA: run.commitSHA, model: model, digest: binary.digest
            )
            let services = StepServices(
                pipeline: pipeline,
                launch: ReleaseLaunch(
                    releaseID: releaseID, commitSHA: run.commitSHA, executable: binary.location, model: model,
                    ollamaEndpoints: environment.ollamaEndpoints, keysFile: local.directory + "/keys.json"
                ),
                gate: .ledger(ledger, environment: environment, requirements: judged.requirements, actor: actor)
            )
            let status = try await driver(for: LocalReleaseTarget(environment: local))
                .drive(promotionID: waiting.id, plan: plan, services: services, stoppingAfterGate: true)
            if status.isFinished {
                return try await ledger.transaction { tx in try await tx.promotion(id: waiting.id) } ?? waiting
            }
        }
        // One runner at a time moves traffic in an environment, whichever process it is in.
        let announced = OnceFlag()
        // Polled often: a gate that just opened waits here only while the drift monitor looks.
        return try await ledger.withLock("environment:\(environment.name)", poll: .milliseconds(200), waiting: {
            if announced.claim() { progress(.waitingForEnvironment(environment: environment.name)) }
        }) {
            try await promoteHoldingLock(
                stage: stage, pipeline: pipeline, environment: environment, port: port, model: model, binary: binary,
                releaseID: releaseID, run: run, judged: judged
            )
        }
    }

    private func promoteHoldingLock(
        stage: StageSpec, pipeline: PipelineSpec, environment: EnvironmentSpec, port: Int, model: String,
        binary: ArtifactRecord, releaseID: String, run: RunRecord, judged: JudgedGate
    ) async throws -> PromotionRecord {
        guard let promotion = try await ledger.transaction({ tx in try await tx.promotion(runID: run.id, environment: environment.name) })
        else { throw RunError("the promotion of run \(run.id) to \(environment.name) vanished from the ledger") }
        if promotion.status.isFinished { return try await putPolicyInEffect(judged.release, after: promotion) }
        let resumed = promotion.status == .progressing
        let local = LocalEnvironment.forSpec(name: environment.name, port: port, stateDirectory: stateDirectory)
        let target = LocalReleaseTarget(environment: local)
        // Checked against the digest the build recorded in the ledger, not only the copy's own.
        let executable = try ReleaseStore(directory: local.directory).keep(
            artifact: binary.location, release: releaseID, commitSHA: run.commitSHA, model: model, digest: binary.digest
        ).executable
        let keys = try PromotionKey.create(keysFile: local.directory + "/keys.json", promotionID: promotion.id)
        defer { keys.revoke() }
        if resumed, await target.candidateURL() != nil {
            // A resumed promotion's slot reads the keys file every 2 s; let it see the new key.
            try await Task.sleep(for: .milliseconds(2500))
        }
        let services = StepServices(
            pipeline: pipeline,
            launch: ReleaseLaunch(
                releaseID: releaseID, commitSHA: run.commitSHA, executable: executable, model: model,
                ollamaEndpoints: environment.ollamaEndpoints, keysFile: keys.keysFile
            ),
            smokeHeaders: ["Authorization": "Bearer \(keys.plaintext)"],
            readFile: { [self] path in try readFile(path, at: run.commitSHA) },
            gate: .ledger(ledger, environment: environment, requirements: judged.requirements, actor: actor)
        )
        _ = try await driver(for: target).drive(
            promotionID: promotion.id, plan: PromotionPlanner.steps(for: stage, in: pipeline, gate: judged.requirements),
            services: services
        )
        guard let finished = try await ledger.transaction({ tx in try await tx.promotion(id: promotion.id) }) else {
            throw RunError("promotion \(promotion.id) vanished from the ledger")
        }
        return try await putPolicyInEffect(judged.release, after: finished)
    }
}

/// The gate a release passes into an environment, and the release's own policy there.
struct JudgedGate: Sendable {
    /// The release's own policy (its commit's environment spec and stage gate): in effect once it succeeds.
    var release: EnvironmentPolicy
    /// Its rules made stricter by the policy in effect; nil when nothing holds the stage.
    var requirements: GateRequirements?
    /// The scans the policy in effect holds releases to.
    var scanRulesInEffect: [ScanRule] = []
}

extension RunCoordinator {
    /// The gate of `stage`: the release's policy made stricter by the one in effect in the
    /// environment, after the environment just before it in the promotion order.
    func gate(
        for stage: StageSpec, environment: EnvironmentSpec, pipeline: PipelineSpec, specs: SpecSet, commitSHA: String
    ) async throws -> JudgedGate {
        let (all, inEffect, live) = try await ledger.transaction { tx in
            (
                try await tx.policiesInEffect(), try await tx.policyInEffect(environment: environment.name, pipeline: pipeline.name),
                try await tx.succeededPromotions(environment: environment.name, limit: 1).first
            )
        }
        let order = PromotionOrder(release: specs.environments, inEffect: all)
        if let refusal = order.refusal(of: stage, in: pipeline) { throw RunError("policy: \(refusal)") }
        let scans = ScanRule.rules(of: pipeline) { path in
            (try? readFile(path, at: commitSHA)).flatMap { $0 }.map { FileDigest.sha256(of: Data($0.utf8)) }
        }
        let release = EnvironmentPolicy(stage: stage, environment: environment, scans: scans)
        var requirements = GateRequirements.effective(
            release: release, inEffect: inEffect, predecessor: order.predecessor(of: environment.name)
        )
        if requirements?.approvals != nil, let tip = GitObjectID(sha: commitSHA) {
            requirements?.releaseAuthors = try await releaseAuthors(of: tip, since: live.flatMap { GitObjectID(sha: $0.commitSHA) })
        }
        return JudgedGate(release: release, requirements: requirements, scanRulesInEffect: inEffect?.policy.scans ?? [])
    }

    /// Why the run's scans do not pass the scan rules in effect in the environment (stricter of
    /// the two), or nil when they do.
    func scanViolations(_ judged: JudgedGate, runID: Int64) async throws -> String? {
        guard !judged.scanRulesInEffect.isEmpty else { return nil }
        // Only scans the chain records count (the latest of each name): a row inserted by SQL
        // satisfies no rule.
        let records = try await ledger.transaction { tx in try await tx.latestBoundScans(runID: runID) }
        var results: [ScanOutcomeSummary] = []
        var reasons: [String] = []
        for record in records where record.kind == .vulnerabilities {
            do {
                results.append(try record.outcome())
            } catch let error as LedgerError {
                // Counts that cannot be read are no findings to count: the scan did not complete.
                reasons.append(error.message)
                results.append(ScanOutcomeSummary(name: record.name, status: .error, counts: SeverityCounts()))
            }
        }
        reasons += ScanRule.violations(inEffect: judged.scanRulesInEffect, release: judged.release.scans, results: results)
        return reasons.isEmpty ? nil : "policy: " + reasons.joined(separator: "; ")
    }

    /// `Name <email>` of the authors and committers of every commit `tip` brings since `live`
    /// (the commit live in the environment; nil: only `tip`'s own), and the pushers the signed
    /// webhook deliveries name for those commits, each once.
    func releaseAuthors(of tip: GitObjectID, since live: GitObjectID?) async throws -> [String] {
        let commits = try GitRepository.withRepository(at: repositoryPath) { repository in
            try repository.commits(from: tip, since: live)
        }
        let pushers = try await ledger.transaction { tx in try await tx.pushers(ofCommits: commits.map(\.id.sha)) }
        var seen: Set<String> = []
        var authors: [String] = []
        for person in commits.flatMap({ [$0.author.description, $0.committer.description] }) + pushers
        where seen.insert(person.lowercased()).inserted {
            authors.append(person)
        }
        return authors
    }

    /// Puts the release's policy in effect when its promotion succeeded (once; a runner that
    /// finds the promotion finished does it again harmlessly). Returns the promotion.
    func putPolicyInEffect(_ policy: EnvironmentPolicy, after promotion: PromotionRecord) async throws -> PromotionRecord {
        guard promotion.status == .succeeded else { return promotion }
        try await ledger.transaction { tx in _ = try await tx.recordPolicyInEffect(policy, promotion: promotion, actor: actor) }
        return promotion
    }
}

extension RunCoordinator {
    /// The driver of this run's promotions on `target`.
    func driver(for target: LocalReleaseTarget) -> PromotionDriver {
        var driver = PromotionDriver(
            ledger: ledger, registry: .standard, target: target, actor: actor, logger: logger,
            progress: { [progress] in progress(.promotion($0)) }
        )
        driver.supersededBy = { [self] waiting in try await newerRelease(than: waiting) }
        return driver
    }

    /// Why `promotion` (not yet moving traffic) is superseded, or nil: a promotion to the same
    /// environment of a newer commit of the same pipeline and branch — one with this commit in
    /// its history — is already live there, moving traffic there, or waiting for it with a runner
    /// working on it (a waiting promotion nobody drives supersedes nothing). A run for an older
    /// commit never supersedes a newer one.
    func newerRelease(than promotion: PromotionRecord) async throws -> String? {
        let candidates = try await ledger.transaction { tx in
            try await tx.supersedingCandidates(pipeline: promotion.pipeline, environment: promotion.environment, runID: promotion.runID)
        }
        guard !candidates.isEmpty, let mine = GitObjectID(sha: promotion.commitSHA) else { return nil }
        let newer = try GitRepository.withRepository(at: repositoryPath) { repository in
            candidates.filter { candidate in
                guard let theirs = GitObjectID(sha: candidate.commitSHA), theirs != mine else { return false }
                return (try? repository.isAncestor(mine, of: theirs)) == true
            }
        }
        for candidate in newer {
            let what: String
            switch candidate.status {
            case .succeeded: what = "already live in \(promotion.environment)"
            case .progressing: what = "already being promoted to \(promotion.environment)"
            default:
                guard try await ledger.isLockHeld("run:\(candidate.runID)") else { continue }
                what = "waiting for \(promotion.environment)"
            }
            return "superseded by \(candidate.releaseID) (run \(candidate.runID), promotion \(candidate.id)), a newer commit \(what)"
        }
        return nil
    }

    /// The text of `path` at `commit` in the repository, or nil when the commit has no such file.
    func readFile(_ path: String, at commit: String) throws -> String? {
        try GitRepository.withRepository(at: repositoryPath) { repository in
            try repository.readText(path, at: try repository.resolve(commit))
        }
    }
}

/// What a run reports as it goes.
public enum RunProgress: Sendable {
    case runStarted(runID: Int64, pipeline: String, commit: String, resumed: Bool)
    case build(BuildProgress)
    case promotion(PromotionProgress)
    case runFailed(runID: Int64, reason: String)
    /// Another runner works on the same run; this one waits for it.
    case waitingForRun(runID: Int64)
    /// Another runner is promoting to the environment; this one waits for it.
    case waitingForEnvironment(environment: String)
}

/// True the first time it is claimed, false after.
final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var claimed = false  // guarded by `lock`

    func claim() -> Bool {
        lock.withLock {
            defer { claimed = true }
            return !claimed
        }
    }
}

/// A run that cannot go on, with what to do about it.
public struct RunError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension Sequence {
    func asyncCompactMap<T>(_ transform: (Element) async throws -> T?) async rethrows -> [T] {
        var results: [T] = []
        for element in self {
            if let value = try await transform(element) { results.append(value) }
        }
        return results
    }
}
