import SlipwayCore

/// After `delayMs` (the instant-rollback window), drains and stops the release that was stable before.
struct RetireStep: PromotionStepRunner {
    static let kind = StepKind.retire

    struct Config: Decodable, Sendable {
        var delayMs: Double?
    }

    func run(_ config: Config, context: StepContext) async -> StepOutcome {
        let delay = Duration.milliseconds(Int64(config.delayMs ?? 0))
        if context.elapsed < delay {
            return .running(retryAfter: delay - context.elapsed, note: "keeping the previous release for instant rollback")
        }
        do {
            try await context.target.retirePrevious()
            return .done(evidence: .object([:]))
        } catch {
            return .failedRetryable(reason: "the previous release could not be stopped: \(error)")
        }
    }
}
