/// The body of `POST /api/embed`: embeddings for one or more inputs.
public struct EmbedRequest: Sendable, Hashable, Codable {
    public var model: String
    /// One or more texts; Ollama accepts a string or an array, this always sends an array.
    public var input: [String]
    /// `true` (Ollama's default) truncates inputs longer than the context; `false` fails instead.
    public var truncate: Bool?
    /// Requested vector length, for models that support it.
    public var dimensions: Int?
    public var keepAlive: KeepAlive?
    public var options: ModelOptions?

    public init(
        model: String, input: [String], truncate: Bool? = nil, dimensions: Int? = nil,
        keepAlive: KeepAlive? = nil, options: ModelOptions? = nil
    ) {
        self.model = model
        self.input = input
        self.truncate = truncate
        self.dimensions = dimensions
        self.keepAlive = keepAlive
        self.options = options
    }

    enum CodingKeys: String, CodingKey {
        case model, input, truncate, dimensions, options
        case keepAlive = "keep_alive"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        if let single = try? container.decode(String.self, forKey: .input) {
            input = [single]
        } else {
            input = try container.decode([String].self, forKey: .input)
        }
        truncate = try container.decodeIfPresent(Bool.self, forKey: .truncate)
        dimensions = try container.decodeIfPresent(Int.self, forKey: .dimensions)
        keepAlive = try container.decodeIfPresent(KeepAlive.self, forKey: .keepAlive)
        options = try container.decodeIfPresent(ModelOptions.self, forKey: .options)
    }
}

/// The answer of `POST /api/embed`: one vector per input, in order.
public struct EmbedResponse: Sendable, Hashable, Codable {
    public var model: String
    public var embeddings: [[Double]]
    public var totalDuration: Int64?
    public var loadDuration: Int64?
    public var promptEvalCount: Int?

    public init(
        model: String, embeddings: [[Double]], totalDuration: Int64? = nil, loadDuration: Int64? = nil,
        promptEvalCount: Int? = nil
    ) {
        self.model = model
        self.embeddings = embeddings
        self.totalDuration = totalDuration
        self.loadDuration = loadDuration
        self.promptEvalCount = promptEvalCount
    }

    enum CodingKeys: String, CodingKey {
        case model, embeddings
        case totalDuration = "total_duration"
        case loadDuration = "load_duration"
        case promptEvalCount = "prompt_eval_count"
    }
}
