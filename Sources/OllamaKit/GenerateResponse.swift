/// One response of `POST /api/generate`: the whole answer when not streaming, or one NDJSON
/// line when streaming (a token in `response`; the last line has `done: true` and the metrics).
public struct GenerateResponse: Sendable, Hashable, Codable {
    public var model: String
    /// RFC 3339 time stamp, as Ollama sends it.
    public var createdAt: String?
    /// The generated text (or, when streaming, this line's piece of it).
    public var response: String
    public var done: Bool
    /// Why generation stopped: `"stop"`, `"length"`, `"load"` (preload) or `"unload"`.
    public var doneReason: String?
    /// Ollama's encoded conversation context (deprecated by Ollama, still sent).
    public var context: [Int]?
    /// Counts and durations; present on the final line.
    public var metrics: GenerationMetrics

    public init(
        model: String, createdAt: String? = nil, response: String, done: Bool, doneReason: String? = nil,
        context: [Int]? = nil, metrics: GenerationMetrics = GenerationMetrics()
    ) {
        self.model = model
        self.createdAt = createdAt
        self.response = response
        self.done = done
        self.doneReason = doneReason
        self.context = context
        self.metrics = metrics
    }

    enum CodingKeys: String, CodingKey {
        case model, response, done, context
        case createdAt = "created_at"
        case doneReason = "done_reason"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        createdAt = try container.decodeIfPresent(String.self, forKey: .createdAt)
        response = try container.decodeIfPresent(String.self, forKey: .response) ?? ""
        done = try container.decode(Bool.self, forKey: .done)
        doneReason = try container.decodeIfPresent(String.self, forKey: .doneReason)
        context = try container.decodeIfPresent([Int].self, forKey: .context)
        metrics = try GenerationMetrics(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encodeIfPresent(createdAt, forKey: .createdAt)
        try container.encode(response, forKey: .response)
        try container.encode(done, forKey: .done)
        try container.encodeIfPresent(doneReason, forKey: .doneReason)
        try container.encodeIfPresent(context, forKey: .context)
        try metrics.encode(to: encoder)
    }
}
