/// The promotion order of a repository's environments (their `order:`), which no pipeline may
/// skip: a release reaches an environment only after the one just before it in the order.
///
/// An environment's place is the one its policy in effect gives it (a commit cannot move prod
/// ahead by renumbering it); environments known only to the ledger still count (a commit cannot
/// drop staging by deleting its file).
public struct PromotionOrder: Sendable {
    /// Every known environment's order, by name.
    public var orders: [String: Int]

    public init(release environments: [EnvironmentSpec], inEffect: [PolicyInEffect]) {
        var orders: [String: Int] = [:]
        for environment in environments { orders[environment.name] = environment.order }
        for policy in inEffect { orders[policy.policy.name] = policy.policy.environment.order }
        self.orders = orders
    }

    /// The environment just before `environment` in the order; nil for the first.
    public func predecessor(of environment: String) -> String? {
        guard let order = orders[environment] else { return nil }
        return orders.filter { $0.value < order }.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
    }

    /// Why `pipeline` may not promote to the environment of its stage `stage`, or nil when it may:
    /// it must have a stage for the environment just before it, earlier in its list.
    public func refusal(of stage: StageSpec, in pipeline: PipelineSpec) -> PromotionOrderRefusal? {
        guard let before = predecessor(of: stage.environment) else { return nil }
        let stages = pipeline.stages.map(\.environment)
        let mine = stages.firstIndex(of: stage.environment) ?? stages.count
        if let theirs = stages.firstIndex(of: before), theirs < mine { return nil }
        return PromotionOrderRefusal(
            pipeline: pipeline.name, environment: stage.environment, order: orders[stage.environment] ?? 0,
            predecessor: before, predecessorOrder: orders[before] ?? 0
        )
    }
}

/// A pipeline that would reach an environment without passing the one before it.
public struct PromotionOrderRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var pipeline: String
    public var environment: String
    public var order: Int
    public var predecessor: String
    public var predecessorOrder: Int

    public var description: String {
        "pipeline \(pipeline) cannot promote to \(environment) (order \(order)): a release reaches \(environment) only through "
            + "\(predecessor) (order \(predecessorOrder)), and the pipeline has no stage for \(predecessor) before it; "
            + "add one, or change the environments' order in a release that passes the policy in effect"
    }
}
