/// Where an environment's releases run, as the promotion steps see it: a stable release taking
/// traffic and, during a promotion, a candidate beside it. The Local target (HAProxy and
/// ModelServe processes) implements it; a Kubernetes target will.
///
/// Every operation is idempotent for the same release, because a resumed promotion repeats
/// the step that was under way when its runner died.
public protocol ReleaseTarget: Sendable {
    /// Starts `release` beside the stable one, taking no traffic; returns its direct URL.
    func deploy(_ release: ReleaseLaunch) async throws -> String
    /// Gives the candidate `percent` of the traffic (the stable release the rest).
    func setCandidateWeight(_ percent: Int, release: String) async throws
    /// Moves all traffic to the candidate, which becomes the stable release; the old stable
    /// release keeps running, taking nothing, until ``retirePrevious()``.
    func promoteCandidate(release: String) async throws
    /// Stops the release that was stable before the last promotion.
    func retirePrevious() async throws
    /// Undoes the promotion of `release` (a failed step): traffic back to the release that was
    /// stable before it at once, and `release` stopped — whether it was still a candidate or had
    /// already been made stable. `trafficRestored` is called the moment no traffic goes to
    /// `release` any more, before its slot is drained and stopped.
    func rollBack(release: String, trafficRestored: @Sendable () async -> Void) async throws
    /// The URL users reach the environment at.
    var liveURL: String { get }
    /// The candidate's direct URL, when one is deployed.
    func candidateURL() async -> String?
    /// The direct URLs of `release` and of the release it replaces (the stable one while
    /// `release` is a candidate, the previous one once it is stable), each nil when not running.
    func comparison(for release: String) async -> ReleaseComparison
    /// Where the environment's proxy publishes metrics for `release`'s server, if it does.
    func proxyMetrics(for release: String) async -> ProxyMetrics?
    /// What runs now, for `slipway status`.
    func state() async -> TargetState
}

/// A new release and the one it replaces, by their direct URLs.
public struct ReleaseComparison: Sendable, Equatable {
    public var release: String?
    public var baseline: String?
    /// The release recorded as the one replaced, running or not (nil for an environment's first).
    public var baselineRelease: String?

    public init(release: String?, baseline: String?, baselineRelease: String? = nil) {
        self.release = release
        self.baseline = baseline
        self.baselineRelease = baselineRelease
    }
}

/// What a target runs.
public struct TargetState: Sendable, Equatable, Codable {
    public struct Release: Sendable, Equatable, Codable {
        public var releaseID: String
        public var slot: String
        public var weight: Int
        public var healthy: Bool

        public init(releaseID: String, slot: String, weight: Int, healthy: Bool) {
            self.releaseID = releaseID
            self.slot = slot
            self.weight = weight
            self.healthy = healthy
        }
    }

    public var stable: Release?
    public var candidate: Release?
    public var previous: Release?

    public init(stable: Release? = nil, candidate: Release? = nil, previous: Release? = nil) {
        self.stable = stable
        self.candidate = candidate
        self.previous = previous
    }
}

/// How to start ModelServe for one release.
public struct ReleaseLaunch: Sendable, Equatable {
    public var releaseID: String
    public var commitSHA: String
    /// The model-serve binary built for the release.
    public var executable: String
    public var model: String
    public var ollamaEndpoints: [String]
    public var keysFile: String

    public init(releaseID: String, commitSHA: String, executable: String, model: String, ollamaEndpoints: [String], keysFile: String) {
        self.releaseID = releaseID
        self.commitSHA = commitSHA
        self.executable = executable
        self.model = model
        self.ollamaEndpoints = ollamaEndpoints
        self.keysFile = keysFile
    }
}
