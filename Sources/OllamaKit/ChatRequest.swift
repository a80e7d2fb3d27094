/// The body of `POST /api/chat`: the next message of a conversation.
public struct ChatRequest: Sendable, Hashable, Codable {
    public var model: String
    public var messages: [ChatMessage]
    /// `"json"` asks for JSON output.
    public var format: String?
    /// `true` (Ollama's default) streams NDJSON; the client sets this for you.
    public var stream: Bool?
    public var keepAlive: KeepAlive?
    public var options: ModelOptions?

    public init(
        model: String, messages: [ChatMessage], format: String? = nil, stream: Bool? = nil,
        keepAlive: KeepAlive? = nil, options: ModelOptions? = nil
    ) {
        self.model = model
        self.messages = messages
        self.format = format
        self.stream = stream
        self.keepAlive = keepAlive
        self.options = options
    }

    enum CodingKeys: String, CodingKey {
        case model, messages, format, stream, options
        case keepAlive = "keep_alive"
    }
}
