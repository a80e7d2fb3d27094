import OllamaKit

/// The generation settings a generate or chat request may carry, flat in its body:
/// `temperature`, `max_tokens`, `top_p`, `top_k`, `seed`, `stop`.
public struct SamplingParameters: Codable, Sendable, Hashable {
    public var temperature: Double?
    public var maxTokens: Int?
    public var topP: Double?
    public var topK: Int?
    public var seed: Int?
    public var stop: [String]?

    public init(
        temperature: Double? = nil, maxTokens: Int? = nil, topP: Double? = nil, topK: Int? = nil, seed: Int? = nil,
        stop: [String]? = nil
    ) {
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.topP = topP
        self.topK = topK
        self.seed = seed
        self.stop = stop
    }

    enum CodingKeys: String, CodingKey {
        case temperature, seed, stop
        case maxTokens = "max_tokens"
        case topP = "top_p"
        case topK = "top_k"
    }

    /// Problems with these settings under `limits`, each a sentence naming the field.
    func problems(limits: RequestLimits) -> [String] {
        var problems: [String] = []
        if let temperature, !(0...2).contains(temperature) {
            problems.append("temperature must be between 0 and 2 (got \(temperature))")
        }
        if let maxTokens, !(1...limits.maxTokens).contains(maxTokens) {
            problems.append("max_tokens must be between 1 and \(limits.maxTokens) (got \(maxTokens))")
        }
        if let topP, !(0...1).contains(topP) { problems.append("top_p must be between 0 and 1 (got \(topP))") }
        if let topK, !(1...1000).contains(topK) { problems.append("top_k must be between 1 and 1000 (got \(topK))") }
        if let stop, stop.count > limits.maxStopSequences {
            problems.append("stop may hold at most \(limits.maxStopSequences) sequences (got \(stop.count))")
        }
        return problems
    }

    /// Ollama's options for these settings.
    var ollamaOptions: ModelOptions? {
        if self == SamplingParameters() { return nil }
        return ModelOptions(temperature: temperature, numPredict: maxTokens, seed: seed, topK: topK, topP: topP, stop: stop)
    }
}
