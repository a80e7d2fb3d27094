import SlipwayCore

/// The step runners the engine knows, by kind. Adding a kind means registering its runner here;
/// the driver does not change.
public struct StepRegistry: Sendable {
    public typealias Run = @Sendable (JSONValue, StepContext) async -> StepOutcome
    private var runners: [StepKind: Run] = [:]

    public init() {}

    /// Registers `runner` for its kind (replacing any earlier one).
    public mutating func register<Runner: PromotionStepRunner>(_ runner: Runner) {
        runners[Runner.kind] = { config, context in await runner.run(json: config, context: context) }
    }

    func runner(for kind: StepKind) -> Run? { runners[kind] }

    /// Every built-in kind.
    public static var standard: StepRegistry {
        var registry = StepRegistry()
        registry.register(GateStep())
        registry.register(ModelStep())
        registry.register(DeployStep())
        registry.register(SmokeStep())
        registry.register(DriftStep())
        registry.register(SwitchStep())
        registry.register(SetWeightStep())
        registry.register(PauseStep())
        registry.register(AnalysisStep())
        registry.register(FinalizeStep())
        registry.register(RetireStep())
        return registry
    }
}
