/// One locally available model, as listed by `GET /api/tags`.
public struct ModelSummary: Sendable, Hashable, Codable {
    /// The model's name with its tag, e.g. `"llama3.2:latest"`.
    public var name: String
    public var model: String
    /// RFC 3339 time stamp of the last change.
    public var modifiedAt: String?
    /// Size on disk in bytes.
    public var size: Int64
    /// `sha256` digest of the manifest, hex without a prefix (as Ollama sends it).
    public var digest: String
    public var details: ModelDetails?

    public init(
        name: String, model: String, modifiedAt: String? = nil, size: Int64, digest: String,
        details: ModelDetails? = nil
    ) {
        self.name = name
        self.model = model
        self.modifiedAt = modifiedAt
        self.size = size
        self.digest = digest
        self.details = details
    }

    enum CodingKeys: String, CodingKey {
        case name, model, size, digest, details
        case modifiedAt = "modified_at"
    }
}

/// The answer of `GET /api/tags`.
public struct ModelList: Sendable, Hashable, Codable {
    public var models: [ModelSummary]

    public init(models: [ModelSummary]) { self.models = models }
}
