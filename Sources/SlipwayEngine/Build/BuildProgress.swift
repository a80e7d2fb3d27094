import SlipwayLedger

/// One thing that happened during the build stage of a run, for the CLI to show as it happens.
public enum BuildProgress: Sendable, Equatable, CustomStringConvertible {
    /// The commit was written into the run's work directory.
    case checkedOut(commit: String, directory: String)
    /// A step started (`index` counts from 1); its output goes to `logPath`.
    case stepStarted(step: String, index: Int, count: Int, logPath: String)
    /// The pipeline's cache for `path` was moved into the checkout before the step.
    case cacheRestored(step: String, path: String)
    /// `path` was moved from the checkout into the pipeline's cache after the step.
    case cacheSaved(step: String, path: String)
    /// A step ended, successfully or not, after `duration`.
    case stepFinished(step: String, duration: Duration, succeeded: Bool)
    /// An artifact was copied and recorded in the ledger (`created == false`: it was already
    /// recorded, with the same digest, by an earlier attempt of the run).
    case artifactRecorded(step: String, artifact: ArtifactRecord, created: Bool)
    /// A `scan:` entry started, with the tool it runs (or the report it reads).
    case scanStarted(scan: String, tool: String)
    /// A scan was recorded in the ledger (`created == false`: an earlier attempt of the run
    /// recorded the same result).
    case scanRecorded(scan: ScanRecord, created: Bool)

    public var description: String {
        switch self {
        case .checkedOut(let commit, let directory):
            return "checked out \(commit.prefix(12)) into \(directory)"
        case .stepStarted(let step, let index, let count, let logPath):
            return "[\(index)/\(count)] \(step): started (log: \(logPath))"
        case .cacheRestored(let step, let path):
            return "\(step): cache \(path) restored"
        case .cacheSaved(let step, let path):
            return "\(step): cache \(path) saved"
        case .stepFinished(let step, let duration, let succeeded):
            let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            let rounded = (seconds * 10).rounded() / 10
            return "\(step): \(succeeded ? "succeeded" : "failed") in \(rounded)s"
        case .artifactRecorded(let step, let artifact, let created):
            let size = artifact.sizeBytes.map { ", \($0) bytes" } ?? ""
            return "\(step): artifact \(artifact.name) \(created ? "recorded" : "already recorded") (\(artifact.digest)\(size))"
        case .scanStarted(let scan, let tool):
            return "scan \(scan): \(tool) …"
        case .scanRecorded(let scan, _):
            return "scan \(scan.name): \(scan.status.rawValue.replacingOccurrences(of: "_", with: " ")) — \(scan.summary)"
        }
    }
}
