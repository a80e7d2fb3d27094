import SlipwayCore

/// Canary: gives the canary `weight` percent of the traffic.
struct SetWeightStep: PromotionStepRunner {
    static let kind = StepKind.setWeight

    struct Config: Decodable, Sendable {
        var weight: Int
    }

    func run(_ config: Config, context: StepContext) async -> StepOutcome {
        if let frozen = await FreezeHold.check(context) { return frozen }
        do {
            try await context.target.setCandidateWeight(config.weight, release: context.releaseID)
            return .done(evidence: .object(["weight": .number(Double(config.weight))]))
        } catch {
            return .failedRetryable(reason: "the canary's weight could not be set to \(config.weight): \(error)")
        }
    }
}
