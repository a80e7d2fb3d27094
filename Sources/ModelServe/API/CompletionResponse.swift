import NIOCore

extension CompletionResponse {
    /// The answer to `route` for `completion`.
    init(id: String, route: ServeRoute, completion: Completion, cached: Bool) {
        self.init(
            id: id, model: completion.model,
            response: route == .chat ? nil : completion.text,
            message: route == .chat ? ConversationMessage(role: "assistant", content: completion.text) : nil,
            doneReason: completion.doneReason, usage: completion.usage, cached: cached
        )
    }
}

/// One piece of a streamed generate or chat answer (an NDJSON line, or an SSE `data:` event).
/// The last piece has `done: true`, the reason and the usage; a stream cut short by an error ends
/// with a piece whose `error` says why.
public struct StreamChunk: Codable, Sendable, Hashable {
    public var id: String
    public var model: String
    /// The text added by this piece.
    public var delta: String
    public var done: Bool
    public var doneReason: String?
    public var usage: Completion.Usage?
    public var cached: Bool?
    public var error: ErrorBody.Detail?

    enum CodingKeys: String, CodingKey {
        case id, model, delta, done, usage, cached, error
        case doneReason = "done_reason"
    }

    init(
        id: String, model: String, delta: String, done: Bool, doneReason: String? = nil, usage: Completion.Usage? = nil,
        cached: Bool? = nil, error: ErrorBody.Detail? = nil
    ) {
        self.id = id
        self.model = model
        self.delta = delta
        self.done = done
        self.doneReason = doneReason
        self.usage = usage
        self.cached = cached
        self.error = error
    }
}

/// The answer of `POST /v1/embeddings`.
public struct EmbeddingsResponse: Codable, Sendable, Hashable {
    public var id: String
    public var model: String
    public var embeddings: [[Double]]
    public var usage: Usage

    public struct Usage: Codable, Sendable, Hashable {
        public var promptTokens: Int
        enum CodingKeys: String, CodingKey { case promptTokens = "prompt_tokens" }
    }
}

/// The answer of `GET /version`.
public struct VersionInfo: Codable, Sendable, Hashable {
    public struct Model: Codable, Sendable, Hashable {
        public var name: String
        /// The digest an upstream reports for the model, or nil until one has been seen.
        public var digest: String?
    }

    public var service: String
    public var version: String
    public var releaseID: String
    public var buildCommit: String
    public var model: Model

    enum CodingKeys: String, CodingKey {
        case service, version, model
        case releaseID = "release_id"
        case buildCommit = "build_commit"
    }
}

extension CompletionResponse {
    /// This answer as JSON: the bytes `ModelServeService.encoder` writes for it (sorted keys),
    /// written without the encoder, as it is on every non-streamed request.
    func jsonBuffer(allocator: ByteBufferAllocator) -> ByteBuffer {
        let text = response ?? message?.content ?? ""
        var buffer = allocator.buffer(capacity: 160 + id.utf8.count + model.utf8.count + text.utf8.count)
        buffer.writeStaticString("{")
        buffer.writeJSONKey("cached")
        buffer.writeJSONBool(cached)
        buffer.writeStaticString(",")
        buffer.writeJSONKey("done")
        buffer.writeJSONBool(done)
        if let doneReason {
            buffer.writeStaticString(",")
            buffer.writeJSONKey("done_reason")
            buffer.writeJSONString(doneReason)
        }
        buffer.writeStaticString(",")
        buffer.writeJSONKey("id")
        buffer.writeJSONString(id)
        if let message {
            buffer.writeStaticString(",")
            buffer.writeJSONKey("message")
            buffer.writeJSONMessage(message)
        }
        buffer.writeStaticString(",")
        buffer.writeJSONKey("model")
        buffer.writeJSONString(model)
        if let response {
            buffer.writeStaticString(",")
            buffer.writeJSONKey("response")
            buffer.writeJSONString(response)
        }
        buffer.writeStaticString(",")
        buffer.writeJSONKey("usage")
        buffer.writeStaticString("{")
        buffer.writeJSONKey("completion_tokens")
        buffer.writeJSONInteger(usage.completionTokens)
        buffer.writeStaticString(",")
        buffer.writeJSONKey("prompt_tokens")
        buffer.writeJSONInteger(usage.promptTokens)
        buffer.writeStaticString("}}")
        return buffer
    }
}
