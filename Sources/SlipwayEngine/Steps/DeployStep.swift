import SlipwayCore

/// Starts the release in the target's idle slot (or finds it already there after a restart).
struct DeployStep: PromotionStepRunner {
    static let kind = StepKind.deploy

    func run(_ config: NoConfig, context: StepContext) async -> StepOutcome {
        do {
            let url = try await context.target.deploy(context.services.launch)
            return .done(evidence: .object(["url": .string(url), "release": .string(context.releaseID)]))
        } catch {
            return .failedTerminal(reason: "the release did not start: \(error)", evidence: .object([:]))
        }
    }
}
