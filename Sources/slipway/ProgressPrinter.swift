import Foundation
import SlipwayEngine
import SlipwayTargets

/// Prints a run's progress: one line per step start and end, and the waits.
final class ProgressPrinter: @unchecked Sendable {
    private let lock = NSLock()

    func line(_ text: String) {
        lock.withLock { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
    }

    /// What a poll of `slipway watch` or `slipway serve` found, or how a run it started ended.
    func print(_ poll: BranchWatcher.Poll) {
        switch poll {
        case .unchanged: break
        case .skipped(let commit, let changed):
            line("\(commit): \(changed) changed path\(changed == 1 ? "" : "s"), none under the pipeline's source paths; not run")
        case .started(let commit):
            line("\(commit): new tip; starting its run")
        case .resuming(let commit, let run):
            line("\(commit): resuming run \(run), left unfinished")
        case .ran(let commit, let run, let status):
            line("\(commit): run \(run) \(status.rawValue)")
        case .runFailed(let commit, let error):
            line("\(commit): the run stopped: \(error)")
        }
    }

    /// What a drift check of `environment` found, and what healing did.
    func print(drift report: DriftReport, in environment: String) {
        let found = report.found.map(\.description).joined(separator: "; ")
        let repaired = report.repaired.isEmpty ? "" : " — " + report.repaired.joined(separator: "; ")
        let failed = report.failures.isEmpty ? "" : " — not repaired: " + report.failures.joined(separator: "; ")
        line("\(environment): drift: \(found)\(repaired)\(failed)")
    }

    func print(_ progress: RunProgress) {
        let line: String
        switch progress {
        case .runStarted(let id, let pipeline, let commit, let resumed):
            line = "\(resumed ? "resuming" : "starting") run \(id): \(pipeline) at \(commit)"
        case .build(let event):
            line = "  build: \(event)"
        case .promotion(let event):
            let prefix = "  [\(event.environment)]"
            switch event.event {
            case .stepStarted(let ordinal, let name, let attempt):
                line = "\(prefix) \(ordinal). \(name)" + (attempt > 1 ? " (attempt \(attempt))" : "") + " …"
            case .stepWaiting(let ordinal, let name, let note):
                line = "\(prefix) \(ordinal). \(name): \(note)"
            case .stepFinished(let ordinal, let name, let status, let note):
                line = "\(prefix) \(ordinal). \(name): \(status.rawValue)" + (note.map { " — \($0)" } ?? "")
            case .promotionFinished(let status, let reason):
                line = "\(prefix) promotion \(status.rawValue)" + (reason.map { ": \($0)" } ?? "")
            }
        case .runFailed(let id, let reason):
            line = "run \(id) failed: \(reason)"
        case .waitingForRun(let id):
            line = "another runner is working on run \(id); waiting for it"
        case .waitingForEnvironment(let environment):
            line = "  [\(environment)] another runner is promoting to \(environment); waiting for it"
        }
        lock.withLock {
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }
}
