/// One response of `POST /api/chat`: the whole assistant message when not streaming, or one
/// NDJSON line when streaming (a piece of `message.content`; the last line has `done: true`).
public struct ChatResponse: Sendable, Hashable, Codable {
    public var model: String
    public var createdAt: String?
    public var message: ChatMessage
    public var done: Bool
    /// Why generation stopped: `"stop"`, `"length"`, `"load"` or `"unload"`.
    public var doneReason: String?
    /// Counts and durations; present on the final line.
    public var metrics: GenerationMetrics

    public init(
        model: String, createdAt: String? = nil, message: ChatMessage, done: Bool, doneReason: String? = nil,
        metrics: GenerationMetrics = GenerationMetrics()
    ) {
        self.model = model
        self.createdAt = createdAt
        self.message = message
        self.done = done
        self.doneReason = doneReason
        self.metrics = metrics
    }

    enum CodingKeys: String, CodingKey {
        case model, message, done
        case createdAt = "created_at"
        case doneReason = "done_reason"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        createdAt = try container.decodeIfPresent(String.self, forKey: .createdAt)
        message = try container.decodeIfPresent(ChatMessage.self, forKey: .message)
            ?? ChatMessage(role: .assistant, content: "")
        done = try container.decode(Bool.self, forKey: .done)
        doneReason = try container.decodeIfPresent(String.self, forKey: .doneReason)
        metrics = try GenerationMetrics(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encodeIfPresent(createdAt, forKey: .createdAt)
        try container.encode(message, forKey: .message)
        try container.encode(done, forKey: .done)
        try container.encodeIfPresent(doneReason, forKey: .doneReason)
        try metrics.encode(to: encoder)
    }
}
