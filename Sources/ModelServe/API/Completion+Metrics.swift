import ModelServeKit
import OllamaKit

extension Completion.Usage {
    /// The usage Ollama's counts say.
    init(_ metrics: GenerationMetrics) {
        self.init(promptTokens: metrics.promptEvalCount ?? 0, completionTokens: metrics.evalCount ?? 0)
    }
}
