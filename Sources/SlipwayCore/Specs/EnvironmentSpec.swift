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
    public var drift: DriftSettings?

    public var name: String { metadata.name }

    public init(
        metadata: SpecMetadata, location: SourceLocation, order: Int, target: DeploymentTarget,
        ollamaEndpoints: [String] = [], approvals: ApprovalPolicy? = nil, freeze: [FreezeWindow] = [],
        drift: DriftSettings? = nil
    ) {
        self.metadata = metadata
        self.location = location
        self.order = order
        self.target = target
        self.ollamaEndpoints = ollamaEndpoints
        self.approvals = approvals
        self.freeze = freeze
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

public struct DriftSettings: Sendable, Equatable {
    public var interval: Duration
    /// Put the environment back to the promoted release when drift is found.
    public var selfHeal: Bool

    public init(interval: Duration = .seconds(300), selfHeal: Bool = false) {
        self.interval = interval
        self.selfHeal = selfHeal
    }
}
