import SlipwayCore

/// Runs one of the pipeline's smoke checks against the new release directly (`preview`) or
/// through the environment's address (`live`).
struct SmokeStep: PromotionStepRunner {
    static let kind = StepKind.smoke

    struct Config: Decodable, Sendable {
        var check: String
        var target: String
    }

    func run(_ config: Config, context: StepContext) async -> StepOutcome {
        guard let spec = context.services.pipeline.checks.first(where: { $0.name == config.check }),
              case .smoke(let smoke) = spec.kind
        else {
            return .failedTerminal(reason: "the pipeline has no smoke check named \(config.check)", evidence: .object([:]))
        }
        let baseURL: String
        if config.target == "preview" {
            guard let url = await context.target.candidateURL() else {
                return .failedTerminal(reason: "there is no new release to check", evidence: .object([:]))
            }
            baseURL = url
        } else {
            baseURL = context.target.liveURL
        }
        let runner = SmokeCheckRunner(
            httpClient: context.services.httpClient, headers: context.services.smokeHeaders, sleep: context.services.sleep
        )
        let result = await runner.run(name: config.check, smoke, baseURL: baseURL, now: context.now)
        let evidence = Evidence.from(result)
        guard result.passed else {
            let failures = result.requests.filter { !$0.passed }.map { request in
                "\(request.name): " + (request.mismatches + [request.error].compactMap { $0 }).joined(separator: "; ")
            }
            return .failedTerminal(reason: "smoke check \(config.check) failed: " + failures.joined(separator: " | "), evidence: evidence)
        }
        return .done(evidence: evidence)
    }
}
