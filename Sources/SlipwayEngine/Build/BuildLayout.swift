/// Where the build stage keeps its files under Slipway's state directory:
///
/// - `work/<run>`: the checkout of the run's commit, where the steps run;
/// - `work/<run>/logs/<step>.log`: each step's output (standard output and error together);
/// - `cache/<pipeline>/<path>`: the paths steps keep between runs of the pipeline;
/// - `artifacts/<run>/<name>`: copies of what the steps produced, as recorded in the ledger.
public struct BuildLayout: Sendable, Equatable {
    public var stateDirectory: String

    public init(stateDirectory: String) {
        self.stateDirectory = stateDirectory.count > 1 && stateDirectory.hasSuffix("/")
            ? String(stateDirectory.dropLast()) : stateDirectory
    }

    /// The checkout of run `runID`'s commit.
    public func workDirectory(runID: Int64) -> String {
        "\(stateDirectory)/work/\(runID)"
    }

    /// The directory holding run `runID`'s step logs.
    public func logDirectory(runID: Int64) -> String {
        "\(workDirectory(runID: runID))/logs"
    }

    /// The log of step `step` of run `runID`.
    public func logPath(runID: Int64, step: String) -> String {
        "\(logDirectory(runID: runID))/\(step).log"
    }

    /// The directory holding the caches of `pipeline`.
    public func cacheDirectory(pipeline: String) -> String {
        "\(stateDirectory)/cache/\(pipeline)"
    }

    /// Where the cache of the checkout path `path` (already normalised) is kept between runs of
    /// `pipeline`: one entry per path, its `/` written as `%2F` (and `%` as `%25`) so that
    /// different paths never share an entry.
    public func cacheEntry(pipeline: String, path: String) -> String {
        let name = path.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F")
        return "\(cacheDirectory(pipeline: pipeline))/\(name)"
    }

    /// The directory holding run `runID`'s artifacts.
    public func artifactDirectory(runID: Int64) -> String {
        "\(stateDirectory)/artifacts/\(runID)"
    }

    /// Where the artifact `name` of run `runID` is copied to.
    public func artifactPath(runID: Int64, name: String) -> String {
        "\(artifactDirectory(runID: runID))/\(name)"
    }
}
