/// One stage of a pipeline: the environment it promotes to, the gate before it,
/// how traffic moves to the new release, and the checks that decide.
public struct StageSpec: Sendable, Equatable {
    public var environment: String
    public var location: SourceLocation
    public var after: StageGateSpec?
    public var strategy: RolloutStrategy
    public var checks: [String]

    public init(
        environment: String, location: SourceLocation, after: StageGateSpec? = nil,
        strategy: RolloutStrategy, checks: [String] = []
    ) {
        self.environment = environment
        self.location = location
        self.after = after
        self.strategy = strategy
        self.checks = checks
    }
}

/// `after:`: what must be true before a stage starts.
public struct StageGateSpec: Sendable, Equatable {
    /// The stage (named by its environment) that must have succeeded with this release.
    public var stage: String
    /// How long the release must have run there first.
    public var soak: Duration?
    /// Whether the environment's approval policy applies.
    public var approval: Bool
    public var location: SourceLocation

    public init(stage: String, soak: Duration? = nil, approval: Bool = false, location: SourceLocation) {
        self.stage = stage
        self.soak = soak
        self.approval = approval
        self.location = location
    }
}

/// How traffic moves from the running release to the new one.
public enum RolloutStrategy: Sendable, Equatable {
    case blueGreen(BlueGreenStrategy)
    case canary(CanaryStrategy)

    public var name: String {
        switch self {
        case .blueGreen: return "blueGreen"
        case .canary: return "canary"
        }
    }
}

public struct BlueGreenStrategy: Sendable, Equatable {
    /// Switch traffic as soon as the preview checks pass; false waits for a person.
    public var autoPromote: Bool
    /// Checks run against the new colour before any traffic reaches it.
    public var previewChecks: [String]
    /// How long the old colour keeps running after the switch, as the instant rollback target.
    public var scaleDownDelay: Duration

    public init(autoPromote: Bool = true, previewChecks: [String] = [], scaleDownDelay: Duration = .seconds(30)) {
        self.autoPromote = autoPromote
        self.previewChecks = previewChecks
        self.scaleDownDelay = scaleDownDelay
    }
}

public struct CanaryStrategy: Sendable, Equatable {
    public var steps: [CanaryStep]

    public init(steps: [CanaryStep]) {
        self.steps = steps
    }
}

public enum CanaryStep: Sendable, Equatable {
    /// Send this percentage of traffic to the new release.
    case setWeight(Int)
    /// Wait; nil waits until a person resumes the rollout.
    case pause(Duration?)
    /// Run an analysis template; failing it rolls back.
    case analysis(String)
}
