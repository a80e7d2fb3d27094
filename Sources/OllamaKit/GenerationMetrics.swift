/// The timing and token counts Ollama reports on the final (`done: true`) line of a generate
/// or chat response. Durations are in nanoseconds.
public struct GenerationMetrics: Sendable, Hashable, Codable {
    /// Time spent on the whole request.
    public var totalDuration: Int64?
    /// Time spent loading the model.
    public var loadDuration: Int64?
    /// Number of tokens in the prompt.
    public var promptEvalCount: Int?
    /// Time spent evaluating the prompt.
    public var promptEvalDuration: Int64?
    /// Number of tokens generated.
    public var evalCount: Int?
    /// Time spent generating tokens.
    public var evalDuration: Int64?

    public init(
        totalDuration: Int64? = nil, loadDuration: Int64? = nil, promptEvalCount: Int? = nil,
        promptEvalDuration: Int64? = nil, evalCount: Int? = nil, evalDuration: Int64? = nil
    ) {
        self.totalDuration = totalDuration
        self.loadDuration = loadDuration
        self.promptEvalCount = promptEvalCount
        self.promptEvalDuration = promptEvalDuration
        self.evalCount = evalCount
        self.evalDuration = evalDuration
    }

    /// Generated tokens per second, from `eval_count` and `eval_duration`, when both are known.
    public var tokensPerSecond: Double? {
        guard let evalCount, let evalDuration, evalDuration > 0 else { return nil }
        return Double(evalCount) / (Double(evalDuration) / 1_000_000_000)
    }

    enum CodingKeys: String, CodingKey {
        case totalDuration = "total_duration"
        case loadDuration = "load_duration"
        case promptEvalCount = "prompt_eval_count"
        case promptEvalDuration = "prompt_eval_duration"
        case evalCount = "eval_count"
        case evalDuration = "eval_duration"
    }
}
