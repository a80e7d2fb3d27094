import Foundation
import Logging
import SlipwayCore
import SlipwayGit
import SlipwayLedger

/// `slipway watch`: polls a branch and runs the pipeline for each new tip whose changes touch
/// the pipeline's `source.paths`.
///
/// Runs go side by side: a new tip starts its run at once even while an older run waits (at an
/// approval gate, say), and the environments' locks keep them in order; the newer release
/// supersedes the older one at an environment the older one has not started in. Runs a killed
/// runner left unfinished are resumed when the watcher starts. A tip that arrives between two
/// polls with another after it is never run: only tips are.
public struct BranchWatcher: Sendable {
    public var coordinator: RunCoordinator
    public var pipeline: String
    public var branch: String
    /// Called before each poll to bring the repository up to date (a fetch for a remote); returns its path.
    public var refresh: @Sendable () throws -> String

    public init(coordinator: RunCoordinator, pipeline: String, branch: String, refresh: @escaping @Sendable () throws -> String) {
        self.coordinator = coordinator
        self.pipeline = pipeline
        self.branch = branch
        self.refresh = refresh
    }

    /// What one poll found, or how a run it started ended.
    public enum Poll: Sendable, Equatable {
        /// The tip has already been run (or skipped before).
        case unchanged(commit: String)
        /// The tip's changes do not touch the pipeline's paths.
        case skipped(commit: String, changed: Int)
        /// A run was started for the tip (``run(interval:wakeUps:report:)`` only; it ends with `ran`).
        case started(commit: String)
        /// A run a previous runner left unfinished is being resumed.
        case resuming(commit: String, runID: Int64)
        /// The tip was run.
        case ran(commit: String, runID: Int64, status: RunStatus)
        /// A run ended with an error (it stays unfinished in the ledger and is resumed by a later poll).
        case runFailed(commit: String, error: String)
    }

    /// What a poll decided.
    enum Decision: Sendable {
        case report(Poll)
        case run(commit: GitObjectID, repositoryPath: String)
    }

    /// Resumes the pipeline's unfinished runs, then polls every `interval`, and at once whenever
    /// `wakeUps` is woken (a webhook said the branch moved), until the task is cancelled
    /// (graceful shutdown, which also stops the runs under way; they are resumed by the next
    /// `slipway watch` or `slipway run`). The interval's polls go on beside the wake-ups, so a
    /// wake-up that never comes delays a run, never drops it. Wake-ups and interval ticks that
    /// arrive while a poll is under way are folded into one more poll, started when it ends.
    ///
    /// A run that stops with an error (the database went away, say) stays unfinished in the
    /// ledger and is resumed by a later poll, at most once per `retryAfter`.
    public func run(
        interval: Duration, wakeUps: WakeUps? = nil, retryAfter: Duration = .seconds(60),
        report: @escaping @Sendable (Poll) -> Void
    ) async throws {
        let active = ActiveRuns()
        await withDiscardingTaskGroup { group in
            // Each element asks for one poll, and says what a run it starts is recorded as triggered by.
            let (polls, asking) = AsyncStream.makeStream(of: RunTrigger.self, bufferingPolicy: .bufferingNewest(1))
            group.addTask {
                while !Task.isCancelled {
                    asking.yield(.poll)
                    try? await Task.sleep(for: interval)
                }
            }
            if let wakeUps {
                group.addTask {
                    for await trigger in wakeUps.stream { asking.yield(trigger) }
                }
            }
            let start: @Sendable (String, String, RunTrigger) async -> Void = { commit, path, trigger in
                await execute(commit: commit, repositoryPath: path, trigger: trigger, report: report)
                await active.finished(commit)
            }
            var skippedTip: String?
            for await trigger in polls {
                if Task.isCancelled { break }
                do {
                    // Runs left unfinished — by a runner that died, or one of ours that failed — first.
                    let unfinished = try await coordinator.ledger.transaction { tx in try await tx.unfinishedRuns(pipeline: pipeline) }
                    if !unfinished.isEmpty {
                        let path = try refresh()
                        for run in unfinished {
                            // Another runner (process) works on it: not ours to resume.
                            guard try await !coordinator.ledger.isLockHeld("run:\(run.id)"),
                                  await active.claim(run.commitSHA, retryAfter: retryAfter)
                            else { continue }
                            report(.resuming(commit: String(run.commitSHA.prefix(12)), runID: run.id))
                            group.addTask { await start(run.commitSHA, path, .poll) }
                        }
                    }
                    switch try await decide(skippedTip: skippedTip) {
                    case .report(let poll):
                        if case .skipped(let commit, _) = poll { skippedTip = commit }
                        report(poll)
                    case .run(let commit, let path):
                        if await active.claim(commit.sha, retryAfter: retryAfter) {
                            report(.started(commit: commit.short))
                            group.addTask { await start(commit.sha, path, trigger) }
                        } else {
                            report(.unchanged(commit: commit.short))
                        }
                    }
                } catch is CancellationError {
                    break
                } catch {
                    coordinator.logger.error("poll failed; trying again at the next interval", metadata: ["error": "\(error)"])
                }
            }
            group.cancelAll()
        }
    }

    /// The commits whose runs this watcher is working on, and when each was last started, so a
    /// run is never driven twice by one watcher and one that failed is retried after a while.
    actor ActiveRuns {
        private var running: Set<String> = []
        private var lastStarted: [String: ContinuousClock.Instant] = [:]

        /// True (and the commit marked running) when it is not running and was not started
        /// within `retryAfter`.
        func claim(_ commit: String, retryAfter: Duration) -> Bool {
            let now = ContinuousClock.now
            guard !running.contains(commit) else { return false }
            if let last = lastStarted[commit], now - last < retryAfter { return false }
            running.insert(commit)
            lastStarted[commit] = now
            return true
        }

        func finished(_ commit: String) {
            running.remove(commit)
        }
    }

    /// Asks a running ``BranchWatcher/run(interval:wakeUps:report:)`` to poll now. Give one
    /// to one watcher; wake it from anywhere (a webhook handler), as often as needed: wake-ups
    /// never queue up beyond one pending poll.
    public struct WakeUps: Sendable {
        let stream: AsyncStream<RunTrigger>
        private let continuation: AsyncStream<RunTrigger>.Continuation

        public init() {
            (stream, continuation) = AsyncStream.makeStream(of: RunTrigger.self, bufferingPolicy: .bufferingNewest(1))
        }

        /// Asks for a poll now; a run it starts is recorded as triggered by `trigger`.
        public func wake(_ trigger: RunTrigger = .webhook) {
            continuation.yield(trigger)
        }
    }

    /// Runs (or resumes) the pipeline at `commit` and reports how it ended.
    private func execute(commit: String, repositoryPath: String, trigger: RunTrigger, report: @Sendable (Poll) -> Void) async {
        var coordinator = self.coordinator
        coordinator.trigger = trigger
        coordinator.repositoryPath = repositoryPath
        do {
            let outcome = try await coordinator.run(pipeline: pipeline, revision: commit, branch: branch)
            report(.ran(commit: String(commit.prefix(12)), runID: outcome.run.id, status: outcome.run.status))
        } catch {
            if !Task.isCancelled { report(.runFailed(commit: String(commit.prefix(12)), error: "\(error)")) }
        }
    }

    /// One poll, run to the end: the branch's tip, whether it needs a run, and the run.
    public func poll(skippedTip: String? = nil) async throws -> Poll {
        switch try await decide(skippedTip: skippedTip) {
        case .report(let poll):
            return poll
        case .run(let commit, let path):
            var coordinator = self.coordinator
            coordinator.trigger = .poll
            coordinator.repositoryPath = path
            let outcome = try await coordinator.run(pipeline: pipeline, revision: commit.sha, branch: branch)
            return .ran(commit: commit.short, runID: outcome.run.id, status: outcome.run.status)
        }
    }

    /// The branch's tip, and whether it needs a run.
    func decide(skippedTip: String?) async throws -> Decision {
        let path = try refresh()
        let ledger = coordinator.ledger
        let (tip, parent) = try GitRepository.withRepository(at: path) { repository in
            let id = try repository.resolve("refs/heads/\(branch)")
            return (id, try repository.commit(id).parentIDs.first)
        }
        if tip.sha == skippedTip { return .report(.unchanged(commit: tip.short)) }
        if try await ledger.transaction({ tx in try await tx.run(pipeline: pipeline, commitSHA: tip.sha) }) != nil {
            return .report(.unchanged(commit: tip.short))
        }
        let previous = try await ledger.transaction { tx in try await tx.latestRun(pipeline: pipeline) }
        let (changed, patterns) = try GitRepository.withRepository(at: path) { repository -> ([String], [String]) in
            var base = parent
            if let previous, let id = GitObjectID(sha: previous.commitSHA), (try? repository.isAncestor(id, of: tip)) == true {
                base = id
            }
            let files = try repository.specFiles(at: tip)
            let patterns: [String]
            if case .success(let specs) = SpecLoader.load(files), let spec = specs.pipeline(named: pipeline) {
                patterns = spec.source.paths
            } else {
                patterns = []  // specs that do not load: run, so the run reports why
            }
            return (try repository.changedPaths(from: base, to: tip), patterns)
        }
        let relevant = patterns.isEmpty || changed.contains { path in patterns.contains { PathGlob.matches(pattern: $0, path: path) } }
        guard relevant else { return .report(.skipped(commit: tip.short, changed: changed.count)) }
        return .run(commit: tip, repositoryPath: path)
    }
}
