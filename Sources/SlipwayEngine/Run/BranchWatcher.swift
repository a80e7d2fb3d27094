import Foundation
import Logging
import SlipwayCore
import SlipwayGit
import SlipwayLedger

/// `slipway watch`: polls a branch and runs the pipeline for each new tip whose changes touch
/// the pipeline's `source.paths`. A tip that arrives while a run is under way waits for the next
/// poll; only the newest tip is run, so commits that were overtaken are never released.
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

    /// What one poll found.
    public enum Poll: Sendable, Equatable {
        /// The tip has already been run (or skipped before).
        case unchanged(commit: String)
        /// The tip's changes do not touch the pipeline's paths.
        case skipped(commit: String, changed: Int)
        /// The tip was run.
        case ran(commit: String, runID: Int64, status: RunStatus)
    }

    /// Polls every `interval` until the task is cancelled (graceful shutdown).
    public func run(interval: Duration, report: @Sendable (Poll) -> Void) async throws {
        var skippedTip: String?
        while !Task.isCancelled {
            do {
                let result = try await poll(skippedTip: skippedTip)
                if case .skipped(let commit, _) = result { skippedTip = commit }
                report(result)
            } catch is CancellationError {
                return
            } catch {
                coordinator.logger.error("poll failed; trying again at the next interval", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// One poll: the branch's tip, whether it needs a run, and the run.
    public func poll(skippedTip: String? = nil) async throws -> Poll {
        let path = try refresh()
        let ledger = coordinator.ledger
        let (tip, parent) = try GitRepository.withRepository(at: path) { repository in
            let id = try repository.resolve("refs/heads/\(branch)")
            return (id, try repository.commit(id).parentIDs.first)
        }
        if tip.sha == skippedTip { return .unchanged(commit: tip.short) }
        if try await ledger.transaction({ tx in try await tx.run(pipeline: pipeline, commitSHA: tip.sha) }) != nil {
            return .unchanged(commit: tip.short)
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
        guard relevant else { return .skipped(commit: tip.short, changed: changed.count) }
        var coordinator = self.coordinator
        coordinator.trigger = .poll
        coordinator.repositoryPath = path
        let outcome = try await coordinator.run(pipeline: pipeline, revision: tip.sha, branch: branch)
        return .ran(commit: tip.short, runID: outcome.run.id, status: outcome.run.status)
    }
}
