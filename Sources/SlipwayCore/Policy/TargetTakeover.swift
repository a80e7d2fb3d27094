/// An environment a release brings under a new name onto the target (the local port, the
/// Kubernetes context and namespace) of an environment whose policy is in effect: deleting
/// `prod.yaml` and adding `prod2.yaml` on prod's port would otherwise bootstrap a policy of the
/// commit's own for prod's traffic.
public struct TargetTakeover: Error, Sendable, Equatable, CustomStringConvertible {
    public var environment: String
    public var target: String
    public var owner: String

    /// The first environment of `release` that is not in effect but deploys to the target of one
    /// that is; nil when there is none.
    public static func find(release: [EnvironmentSpec], inEffect: [PolicyInEffect]) -> TargetTakeover? {
        let known = Set(inEffect.map(\.policy.name))
        for environment in release where !known.contains(environment.name) {
            if let owner = inEffect.first(where: { sameTarget($0.policy.environment.target, environment.target) }) {
                return TargetTakeover(environment: environment.name, target: environment.target.summary, owner: owner.policy.name)
            }
        }
        return nil
    }

    static func sameTarget(_ a: DeploymentTarget, _ b: DeploymentTarget) -> Bool {
        switch (a, b) {
        case (.local(let one), .local(let other)): return one == other
        case (.kubernetes(let one), .kubernetes(let other)): return one.context == other.context && one.namespace == other.namespace
        default: return false
        }
    }

    public var description: String {
        "environment \(environment) deploys to \(target), where \(owner)'s policy is in effect: name it \(owner) again, "
            + "or move \(owner) elsewhere in a release that passes \(owner)'s policy first"
    }
}
