/// A finished generation, as ModelServe keeps it (and caches it): the text and what it cost.
public struct Completion: Codable, Sendable, Hashable {
    public var model: String
    public var text: String
    public var doneReason: String?
    public var usage: Usage

    /// Tokens read and written, from Ollama's counts.
    public struct Usage: Codable, Sendable, Hashable {
        public var promptTokens: Int
        public var completionTokens: Int

        public init(promptTokens: Int, completionTokens: Int) {
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
        }

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
        }
    }

    public init(model: String, text: String, doneReason: String?, usage: Usage) {
        self.model = model
        self.text = text
        self.doneReason = doneReason
        self.usage = usage
    }

    enum CodingKeys: String, CodingKey {
        case model, text, usage
        case doneReason = "done_reason"
    }
}
