/// The body of `POST /v1/embeddings`: `{"model": "…", "input": "text"}` or `"input": ["a", "b"]`.
public struct EmbeddingsBody: Codable, Sendable, Hashable {
    public var model: String?
    public var input: [String]

    public init(model: String? = nil, input: [String]) {
        self.model = model
        self.input = input
    }

    enum CodingKeys: String, CodingKey {
        case model, input
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        if let single = try? container.decode(String.self, forKey: .input) {
            input = [single]
        } else {
            input = try container.decode([String].self, forKey: .input)
        }
    }

    /// Problems under `limits`, each naming the field.
    func problems(limits: RequestLimits) -> [String] {
        var problems: [String] = []
        if input.isEmpty { problems.append("input must hold at least one text") }
        if input.count > limits.maxEmbeddingInputs {
            problems.append("input may hold at most \(limits.maxEmbeddingInputs) texts (got \(input.count))")
        }
        for (index, text) in input.enumerated() where text.utf8.count > limits.maxPromptBytes {
            problems.append("input[\(index)] may be at most \(limits.maxPromptBytes) bytes (got \(text.utf8.count))")
        }
        return problems
    }
}
