/// Bounds on what one request may ask for; a request beyond them is answered 422 naming the bound.
public struct RequestLimits: Sendable, Equatable {
    /// The largest request body read (413 beyond it).
    public var maxBodyBytes = 1 << 20
    /// The largest prompt (and system text) of a generate request, in UTF-8 bytes.
    public var maxPromptBytes = 32 << 10
    /// The most messages in a chat request, and their largest total size in UTF-8 bytes.
    public var maxMessages = 64
    public var maxMessageBytes = 64 << 10
    /// The most tokens a request may ask to generate (`max_tokens`).
    public var maxTokens = 4096
    /// The most inputs of one embeddings request.
    public var maxEmbeddingInputs = 128
    /// The most stop sequences.
    public var maxStopSequences = 8

    public init() {}

    func validate() throws(ConfigurationError) {
        guard maxBodyBytes >= 1024 else { throw ConfigurationError("--max-body-bytes must be at least 1024") }
        guard maxPromptBytes >= 1, maxMessageBytes >= 1, maxMessages >= 1 else {
            throw ConfigurationError("prompt and message limits must be at least 1")
        }
        guard maxTokens >= 1 else { throw ConfigurationError("--max-tokens must be at least 1") }
        guard maxEmbeddingInputs >= 1 else { throw ConfigurationError("--max-embedding-inputs must be at least 1") }
    }
}
