import SlipwayCore

/// Opens when the stage may start: after its soak time (measured from when the gate first
/// started, which is when the previous stage succeeded), and, when the stage needs approval,
/// once `slipway promote --env E` finishes the step (approvals by policy arrive with `slipway serve`).
struct GateStep: PromotionStepRunner {
    static let kind = StepKind.gate

    struct Config: Decodable, Sendable {
        var after: String
        var approval: Bool?
        var soakMs: Double?
    }

    func run(_ config: Config, context: StepContext) async -> StepOutcome {
        if let soakMs = config.soakMs {
            let soak = Duration.milliseconds(Int64(soakMs))
            if context.elapsed < soak {
                return .running(retryAfter: soak - context.elapsed, note: "soaking after \(config.after)")
            }
        }
        if config.approval == true {
            return .running(retryAfter: .seconds(1), note: "waiting for approval (`slipway promote --env \(context.environment)`)")
        }
        return .done(evidence: .object(["after": .string(config.after)]))
    }
}
