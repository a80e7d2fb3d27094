/// What judges a release in one environment: the environment's spec (target, Ollama endpoints,
/// approvals, freeze windows, break glass, drift settings, order) and the gate of the pipeline's
/// stage into it.
///
/// The policy **in effect** is the one of the last release that succeeded there, kept in the
/// ledger; a release's own policy comes from its commit, which is not trusted. A release is judged
/// by both, whichever is stricter (``GateRequirements/effective(release:inEffect:predecessor:)``),
/// and its own policy takes effect only once it has passed that judgement and succeeded.
public struct EnvironmentPolicy: Sendable, Equatable {
    public var environment: EnvironmentSpec
    /// The stage's `after:` into the environment; nil for a stage with none.
    public var gate: StageGateSpec?
    /// The pipeline's vulnerability scans a release must pass to enter the environment.
    public var scans: [ScanRule]

    public init(environment: EnvironmentSpec, gate: StageGateSpec?, scans: [ScanRule] = []) {
        self.environment = environment
        self.gate = gate
        self.scans = scans
    }

    /// The policy a stage of a pipeline carries for its environment.
    public init(stage: StageSpec, environment: EnvironmentSpec, scans: [ScanRule] = []) {
        self.init(environment: environment, gate: stage.after, scans: scans)
    }

    public var name: String { environment.name }

    /// Whether two policies say the same, wherever they were written (file positions aside).
    public func sameRules(as other: EnvironmentPolicy) -> Bool {
        json == other.json
    }
}

/// The policy in effect in an environment, as the ledger keeps it.
public struct PolicyInEffect: Sendable, Equatable {
    public var policy: EnvironmentPolicy
    /// The promotion whose success put it in effect, and its commit.
    public var promotionID: Int64
    public var commitSHA: String
    /// SHA-256 of the policy's canonical JSON: the version a refusal names.
    public var digest: String
    /// Whether it was the environment's first, taken from a release because there was none.
    public var bootstrap: Bool

    public init(policy: EnvironmentPolicy, promotionID: Int64, commitSHA: String, digest: String, bootstrap: Bool) {
        self.policy = policy
        self.promotionID = promotionID
        self.commitSHA = commitSHA
        self.digest = digest
        self.bootstrap = bootstrap
    }

    /// `policy of promotion 7 (commit 1a2b3c4d5e6f, sha256:9f…)`: which version decided.
    public var version: String {
        "policy of promotion \(promotionID) (commit \(commitSHA.prefix(12)), \(digest.prefix(19)))"
    }
}
