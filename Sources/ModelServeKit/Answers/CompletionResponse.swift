/// The answer of a non-streamed `POST /v1/generate` (`response` set) or `POST /v1/chat` (`message` set):
/// what ModelServe writes and what its clients (Slipway's checks) read.
public struct CompletionResponse: Codable, Sendable, Hashable {
    /// The request id (also in the `X-Request-ID` header).
    public var id: String
    public var model: String
    /// The generated text (generate).
    public var response: String?
    /// The assistant's message (chat).
    public var message: ConversationMessage?
    /// Always true: the answer is complete (as Ollama's own non-streamed answers say).
    public var done = true
    public var doneReason: String?
    public var usage: Completion.Usage
    /// Whether the answer came from the response cache.
    public var cached: Bool

    enum CodingKeys: String, CodingKey {
        case id, model, response, message, usage, cached, done
        case doneReason = "done_reason"
    }

    public init(
        id: String, model: String, response: String? = nil, message: ConversationMessage? = nil, doneReason: String? = nil,
        usage: Completion.Usage, cached: Bool
    ) {
        self.id = id
        self.model = model
        self.response = response
        self.message = message
        self.doneReason = doneReason
        self.usage = usage
        self.cached = cached
    }
}
