/// Where the build stage keeps its files under Slipway's state directory:
///
/// - `work/<pipeline>`: the checkout of the run's commit, where the steps run — one place per
///   pipeline, emptied and checked out again for each run, so the absolute paths a build tool
///   keeps in its cache (SwiftPM's `.build`, CMake's cache) stay valid from one run to the next,
///   as a CI runner's workspace does; runs of one pipeline build one at a time;
/// - `logs/<run>/<step>.log`: each step's output (standard output and error together);
/// - `cache/<pipeline>/<path>`: the paths steps keep between runs of the pipeline;
/// - `artifacts/<run>/<name>`: copies of what the steps produced (and the SBOMs), as recorded in the ledger;
/// - `reports/<run>/<scan>.json`: each scan's report, whose digest the ledger records;
/// - `containers/`: buildah's image storage for image steps;
/// - `home/<pipeline>`: HOME of unsandboxed steps;
/// - `secrets.env`: the runner's secrets file (unless `--secrets-file` names another).
public struct BuildLayout: Sendable, Equatable {
    public var stateDirectory: String

    public init(stateDirectory: String) {
        self.stateDirectory = stateDirectory.count > 1 && stateDirectory.hasSuffix("/")
            ? String(stateDirectory.dropLast()) : stateDirectory
    }

    /// Where `pipeline`'s runs check out their commit and build.
    public func workDirectory(pipeline: String) -> String {
        "\(stateDirectory)/work/\(pipeline)"
    }

    /// The directory holding run `runID`'s step logs.
    public func logDirectory(runID: Int64) -> String {
        "\(stateDirectory)/logs/\(runID)"
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

    /// The directory holding run `runID`'s scan reports.
    public func reportDirectory(runID: Int64) -> String {
        "\(stateDirectory)/reports/\(runID)"
    }

    /// HOME of `pipeline`'s steps when they run without a sandbox (inside it, HOME is private to the step).
    public func homeDirectory(pipeline: String) -> String {
        "\(stateDirectory)/home/\(pipeline)"
    }

    /// What scanners start with (``BlankScannerConfiguration``): empty config and ignore files,
    /// and an empty directory to start in, so no file of the commit configures them.
    public var scannerDirectory: String {
        "\(stateDirectory)/scanners"
    }

    /// The runner's secrets file when `--secrets-file` is not given: `secrets.env`.
    public var defaultSecretsFile: String {
        "\(stateDirectory)/secrets.env"
    }

    /// buildah's `--root`: the images it builds and the base images it pulls.
    public var imageStorage: String {
        "\(stateDirectory)/containers/storage"
    }

    /// buildah's `--runroot`: its locks and mounts while it runs.
    public var imageRunStorage: String {
        "\(stateDirectory)/containers/run"
    }

    /// A directory of image step `step` of run `runID` for the builder's own files (its digest
    /// file, the image's local archive), outside the checkout.
    public func imageDirectory(runID: Int64, step: String) -> String {
        "\(stateDirectory)/images/\(runID)/\(step)"
    }
}
