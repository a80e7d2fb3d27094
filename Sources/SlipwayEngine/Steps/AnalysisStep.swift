import SlipwayCore

/// Compares the canary's metrics with an analysis template of the pipeline, sample by sample,
/// and fails as soon as more samples failed than the template allows.
struct AnalysisStep: PromotionStepRunner {
    static let kind = StepKind.analysis

    struct Config: Decodable, Sendable {
        var template: String
    }

    func run(_ config: Config, context: StepContext) async -> StepOutcome {
        guard let template = context.services.pipeline.analyses.first(where: { $0.name == config.template }) else {
            return .failedTerminal(reason: "the pipeline has no analysis named \(config.template)", evidence: .object([:]))
        }
        guard let url = await context.target.candidateURL() else {
            return .failedTerminal(reason: "there is no canary to analyse", evidence: .object([:]))
        }
        let runner = AnalysisRunner(httpClient: context.services.httpClient, sleep: context.services.sleep, now: context.now)
        do {
            let result = try await runner.run(
                template, metricsURL: url + "/metrics", release: context.releaseID,
                proxy: await context.target.proxyMetrics(for: context.releaseID)
            )
            let evidence = Evidence.from(result)
            guard result.passed else {
                return .failedTerminal(
                    // The verdict's reason names the analysis; the driver adds the step's name.
                    reason: result.failureReason ?? "analysis \(config.template): too many failed samples", evidence: evidence
                )
            }
            return .done(evidence: evidence)
        } catch let error as AnalysisRunnerError where error.isTemplateProblem {
            return .failedTerminal(reason: "the analysis cannot run: \(error)", evidence: .object([:]))
        } catch is CancellationError {
            return .failedRetryable(reason: "the analysis was interrupted")
        } catch {
            return .failedRetryable(reason: "the analysis could not run: \(error)")
        }
    }
}
