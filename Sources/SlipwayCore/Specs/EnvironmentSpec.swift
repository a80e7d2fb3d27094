/// `kind: Environment`: where a stage runs, who approves, when it is frozen.
public struct EnvironmentSpec: Sendable, Equatable {
    public var metadata: SpecMetadata
    public var location: SourceLocation
    /// Position in the promotion order (dev 1, staging 2, prod 3); stages follow it.
    public var order: Int
    public var target: DeploymentTarget
    public var ollamaEndpoints: [String]
    public var approvals: ApprovalPolicy?
    public var freeze: [FreezeWindow]
    /// Who may override a freeze window (`slipway approve --break-glass --reason`); nil: nobody.
    public var breakGlass: BreakGlassPolicy?
    public var drift: DriftSettings?

    public var name: String { metadata.name }

    public init(
        metadata: SpecMetadata, location: SourceLocation, order: Int, target: DeploymentTarget,
        ollamaEndpoints: [String] = [], approvals: ApprovalPolicy? = nil, freeze: [FreezeWindow] = [],
        breakGlass: BreakGlassPolicy? = nil, drift: DriftSettings? = nil
    ) {
        self.metadata = metadata
        self.location = location
        self.order = order
        self.target = target
        self.ollamaEndpoints = ollamaEndpoints
        self.approvals = approvals
        self.freeze = freeze
        self.breakGlass = breakGlass
        self.drift = drift
    }
}

public enum DeploymentTarget: Sendable, Equatable {
    /// ModelServe processes on this machine behind an HAProxy listening on `port`.
    case local(port: Int)
    case kubernetes(KubernetesTarget)

    public var summary: String {
        switch self {
        case .local(let port): return "local :\(port)"
        case .kubernetes(let target): return "kubernetes \(target.namespace) (\(target.traffic.rawValue))"
        }
    }
}

public struct KubernetesTarget: Sendable, Equatable {
    public enum Traffic: String, Sendable, CaseIterable { case gatewayAPI, istio, service }

    public var context: String?
    public var namespace: String
    public var traffic: Traffic

    public init(context: String? = nil, namespace: String, traffic: Traffic = .service) {
        self.context = context
        self.namespace = namespace
        self.traffic = traffic
    }
}

/// `breakGlass:` of an environment: the groups whose members may promote during a freeze
/// window. Each override names its reason and is recorded as a break-glass approval.
public struct BreakGlassPolicy: Sendable, Equatable {
    public var groups: [String]

    public init(groups: [String]) {
        self.groups = groups
    }

    /// Whether a person in `groups` may break glass.
    public func admits(groups memberOf: Set<String>) -> Bool {
        groups.contains { memberOf.contains($0) }
    }
}

public struct DriftSettings: Sendable, Equatable {
    public var interval: Duration
    /// Put the environment back to the promoted release when drift is found.
    public var selfHeal: Bool

    public init(interval: Duration = .seconds(300), selfHeal: Bool = false) {
        self.interval = interval
        self.selfHeal = selfHeal
    }
}
