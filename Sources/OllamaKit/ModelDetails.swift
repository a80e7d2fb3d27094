/// What Ollama tells about a model's format and size (`details` in tags, show and ps).
public struct ModelDetails: Sendable, Hashable, Codable {
    public var parentModel: String?
    /// File format, e.g. `"gguf"`.
    public var format: String?
    /// Model family, e.g. `"llama"`.
    public var family: String?
    public var families: [String]?
    /// Human-readable parameter count, e.g. `"3.2B"`.
    public var parameterSize: String?
    /// Quantization, e.g. `"Q4_K_M"`.
    public var quantizationLevel: String?

    public init(
        parentModel: String? = nil, format: String? = nil, family: String? = nil, families: [String]? = nil,
        parameterSize: String? = nil, quantizationLevel: String? = nil
    ) {
        self.parentModel = parentModel
        self.format = format
        self.family = family
        self.families = families
        self.parameterSize = parameterSize
        self.quantizationLevel = quantizationLevel
    }

    enum CodingKeys: String, CodingKey {
        case format, family, families
        case parentModel = "parent_model"
        case parameterSize = "parameter_size"
        case quantizationLevel = "quantization_level"
    }
}
