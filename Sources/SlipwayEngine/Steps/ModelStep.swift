import SlipwayCore

/// Makes every Ollama endpoint of the environment hold the pipeline's model (pulled, or created
/// from the Modelfile in the release's commit), with the same digest, preloaded. The name is the
/// release's (``ReleaseModelName``): the spec's `name` is in the plan for people to read.
struct ModelStep: PromotionStepRunner {
    static let kind = StepKind.model

    struct Config: Decodable, Sendable {
        var name: String
        var modelfile: String?
    }

    func run(_ config: Config, context: StepContext) async -> StepOutcome {
        var modelfileText: String?
        if let path = config.modelfile {
            do {
                modelfileText = try await context.services.readFile(path)
            } catch {
                return .failedTerminal(reason: "cannot read \(path) at the release's commit: \(error)", evidence: .object([:]))
            }
            if modelfileText == nil {
                return .failedTerminal(reason: "\(path) is not in the release's commit", evidence: .object([:]))
            }
        }
        let rollout = ModelRollout(httpClient: context.services.httpClient)
        do {
            // The release's own name for the model (tagged by the Modelfile's digest), which its slots serve.
            let result = try await rollout.run(
                model: context.services.launch.model, modelfile: modelfileText, endpoints: context.services.launch.ollamaEndpoints
            )
            return .done(evidence: Evidence.from(result))
        } catch let error as ModelRolloutError where error.isRetryable {
            return .failedRetryable(reason: "\(error)")
        } catch {
            return .failedTerminal(reason: "\(error)", evidence: .object([:]))
        }
    }
}
