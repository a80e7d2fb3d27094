import SlipwayCore

/// Blue/green: all traffic to the new release, which becomes the stable one.
struct SwitchStep: PromotionStepRunner {
    static let kind = StepKind.switchTraffic

    func run(_ config: NoConfig, context: StepContext) async -> StepOutcome {
        if let frozen = await FreezeHold.check(context) { return frozen }
        do {
            try await context.target.promoteCandidate(release: context.releaseID)
            return .done(evidence: .object(["live": .string(context.target.liveURL)]))
        } catch {
            return .failedRetryable(reason: "traffic could not be switched: \(error)")
        }
    }
}

/// Canary: all traffic to the canary, which becomes the stable release.
struct FinalizeStep: PromotionStepRunner {
    static let kind = StepKind.finalize

    func run(_ config: NoConfig, context: StepContext) async -> StepOutcome {
        if let frozen = await FreezeHold.check(context) { return frozen }
        do {
            try await context.target.promoteCandidate(release: context.releaseID)
            return .done(evidence: .object(["stable": .string(context.releaseID)]))
        } catch {
            return .failedRetryable(reason: "the canary could not be made stable: \(error)")
        }
    }
}
