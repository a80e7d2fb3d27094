import SlipwayCore

/// Waits `durationMs` from the step's first start (a restart does not start the pause again),
/// or, without a duration, until `slipway promote --env E` finishes the step.
struct PauseStep: PromotionStepRunner {
    static let kind = StepKind.pause

    struct Config: Decodable, Sendable {
        var durationMs: Double?
    }

    func run(_ config: Config, context: StepContext) async -> StepOutcome {
        guard let durationMs = config.durationMs else {
            return .running(retryAfter: .seconds(1), note: "paused until `slipway promote --env \(context.environment)`")
        }
        let total = Duration.milliseconds(Int64(durationMs))
        let elapsed = context.elapsed
        guard elapsed < total else {
            return .done(evidence: .object(["pausedMs": .number(Evidence.milliseconds(elapsed))]))
        }
        return .running(retryAfter: total - elapsed, note: "pausing \(Int(durationMs / 1000)) s")
    }
}
