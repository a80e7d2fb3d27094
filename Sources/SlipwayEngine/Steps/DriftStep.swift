import SlipwayCore

/// Runs one of the pipeline's drift checks: the new release and the one it replaces answer the
/// same prompts, and answers that diverge beyond the bound fail the promotion before (preview)
/// or while (live) the new release takes traffic.
struct DriftStep: PromotionStepRunner {
    static let kind = StepKind.drift

    struct Config: Decodable, Sendable {
        var check: String
        var target: String
    }

    func run(_ config: Config, context: StepContext) async -> StepOutcome {
        guard let spec = context.services.pipeline.checks.first(where: { $0.name == config.check }),
              case .drift(let drift) = spec.kind
        else {
            return .failedTerminal(reason: "the pipeline has no drift check named \(config.check)", evidence: .object([:]))
        }
        let urls = await context.target.comparison(for: context.releaseID)
        guard let releaseURL = urls.release else {
            return .failedTerminal(reason: "\(context.releaseID) is not running in \(context.environment); nothing to check", evidence: .object([:]))
        }
        if urls.baseline == nil, let baseline = urls.baselineRelease {
            // Comparing with nothing would pass: say that the release to compare with is down.
            return .failedTerminal(
                reason: "drift check \(config.check): \(baseline), the release \(context.releaseID) replaces, is not running; nothing to compare with",
                evidence: .object([:])
            )
        }
        let runner = DriftCheckRunner(httpClient: context.services.httpClient, headers: context.services.smokeHeaders)
        let result = await runner.run(name: config.check, drift, releaseURL: releaseURL, baselineURL: urls.baseline, now: context.now)
        guard result.passed else {
            return .failedTerminal(
                reason: "drift check \(config.check) failed: " + result.failures.joined(separator: " | "), evidence: Evidence.from(result)
            )
        }
        return .done(evidence: Evidence.from(result))
    }
}
