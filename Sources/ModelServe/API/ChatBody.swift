import OllamaKit

/// The body of `POST /v1/chat`: the next assistant message of a conversation.
///
/// `{"model": "…", "messages": [{"role": "user", "content": "…"}], "stream": true, "temperature": 0.7}`.
public struct ChatBody: Codable, Sendable, Hashable {
    /// One message: `role` is system, user, assistant or tool.
    public typealias Message = ConversationMessage

    static let roles: Set<String> = ["system", "user", "assistant", "tool"]

    public var model: String?
    public var messages: [Message]
    public var stream: Bool?
    public var sampling: SamplingParameters

    public init(model: String? = nil, messages: [Message], stream: Bool? = nil, sampling: SamplingParameters = .init()) {
        self.model = model
        self.messages = messages
        self.stream = stream
        self.sampling = sampling
    }

    enum CodingKeys: String, CodingKey {
        case model, messages, stream
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        messages = try container.decode([Message].self, forKey: .messages)
        stream = try container.decodeIfPresent(Bool.self, forKey: .stream)
        sampling = try SamplingParameters(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(model, forKey: .model)
        try container.encode(messages, forKey: .messages)
        try container.encodeIfPresent(stream, forKey: .stream)
        try sampling.encode(to: encoder)
    }

    /// Problems under `limits`, each naming the field.
    func problems(limits: RequestLimits) -> [String] {
        var problems: [String] = []
        if messages.isEmpty { problems.append("messages must hold at least one message") }
        if messages.count > limits.maxMessages {
            problems.append("messages may hold at most \(limits.maxMessages) messages (got \(messages.count))")
        }
        for (index, message) in messages.enumerated() where !Self.roles.contains(message.role) {
            problems.append("messages[\(index)].role must be system, user, assistant or tool (got \"\(message.role)\")")
        }
        let size = messages.reduce(0) { $0 + $1.content.utf8.count }
        if size > limits.maxMessageBytes {
            problems.append("messages together may be at most \(limits.maxMessageBytes) bytes of content (got \(size))")
        }
        return problems + sampling.problems(limits: limits)
    }

    var ollamaMessages: [ChatMessage] {
        messages.map { ChatMessage(role: ChatMessage.Role(rawValue: $0.role), content: $0.content) }
    }
}
