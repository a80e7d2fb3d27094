/// The body of `POST /v1/generate`: a completion of one prompt.
///
/// `{"model": "llama3.2:1b", "prompt": "…", "system": "…", "stream": false, "temperature": 0, "max_tokens": 256}`;
/// `model` defaults to the server's first `--model`.
public struct GenerateBody: Codable, Sendable, Hashable {
    public var model: String?
    public var prompt: String
    public var system: String?
    public var stream: Bool?
    public var sampling: SamplingParameters

    public init(model: String? = nil, prompt: String, system: String? = nil, stream: Bool? = nil, sampling: SamplingParameters = .init()) {
        self.model = model
        self.prompt = prompt
        self.system = system
        self.stream = stream
        self.sampling = sampling
    }

    enum CodingKeys: String, CodingKey {
        case model, prompt, system, stream
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        prompt = try container.decode(String.self, forKey: .prompt)
        system = try container.decodeIfPresent(String.self, forKey: .system)
        stream = try container.decodeIfPresent(Bool.self, forKey: .stream)
        sampling = try SamplingParameters(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(model, forKey: .model)
        try container.encode(prompt, forKey: .prompt)
        try container.encodeIfPresent(system, forKey: .system)
        try container.encodeIfPresent(stream, forKey: .stream)
        try sampling.encode(to: encoder)
    }

    /// Problems under `limits`, each naming the field.
    func problems(limits: RequestLimits) -> [String] {
        var problems: [String] = []
        if prompt.isEmpty { problems.append("prompt must not be empty") }
        let size = prompt.utf8.count + (system?.utf8.count ?? 0)
        if size > limits.maxPromptBytes {
            problems.append("prompt and system together may be at most \(limits.maxPromptBytes) bytes (got \(size))")
        }
        return problems + sampling.problems(limits: limits)
    }
}
