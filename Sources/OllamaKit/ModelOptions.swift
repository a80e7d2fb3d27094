/// Sampling and runtime parameters sent as `options` with generate, chat and embed requests.
///
/// Every field is optional; a field left `nil` is not sent, and Ollama uses the model's default.
/// The names match Ollama's Modelfile parameters (`num_predict`, `temperature`, …).
public struct ModelOptions: Sendable, Hashable, Codable {
    /// Sampling temperature; `0` makes output deterministic for a fixed seed.
    public var temperature: Double?
    /// Maximum number of tokens to generate (`-1`: unlimited).
    public var numPredict: Int?
    /// Random seed for sampling.
    public var seed: Int?
    /// Top-k sampling.
    public var topK: Int?
    /// Nucleus sampling.
    public var topP: Double?
    /// Minimum probability relative to the most likely token.
    public var minP: Double?
    /// Context window size in tokens.
    public var numCtx: Int?
    /// Penalty for repeating tokens.
    public var repeatPenalty: Double?
    /// Sequences at which generation stops.
    public var stop: [String]?

    public init(
        temperature: Double? = nil, numPredict: Int? = nil, seed: Int? = nil, topK: Int? = nil,
        topP: Double? = nil, minP: Double? = nil, numCtx: Int? = nil, repeatPenalty: Double? = nil,
        stop: [String]? = nil
    ) {
        self.temperature = temperature
        self.numPredict = numPredict
        self.seed = seed
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.numCtx = numCtx
        self.repeatPenalty = repeatPenalty
        self.stop = stop
    }

    enum CodingKeys: String, CodingKey {
        case temperature, seed, stop
        case numPredict = "num_predict"
        case topK = "top_k"
        case topP = "top_p"
        case minP = "min_p"
        case numCtx = "num_ctx"
        case repeatPenalty = "repeat_penalty"
    }
}
