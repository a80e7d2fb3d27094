/// One model loaded in memory, as listed by `GET /api/ps`.
public struct RunningModel: Sendable, Hashable, Codable {
    public var name: String
    public var model: String
    public var size: Int64
    public var digest: String
    public var details: ModelDetails?
    /// RFC 3339 time at which Ollama unloads the model.
    public var expiresAt: String?
    /// Bytes of the model held in GPU memory.
    public var sizeVRAM: Int64?

    public init(
        name: String, model: String, size: Int64, digest: String, details: ModelDetails? = nil,
        expiresAt: String? = nil, sizeVRAM: Int64? = nil
    ) {
        self.name = name
        self.model = model
        self.size = size
        self.digest = digest
        self.details = details
        self.expiresAt = expiresAt
        self.sizeVRAM = sizeVRAM
    }

    enum CodingKeys: String, CodingKey {
        case name, model, size, digest, details
        case expiresAt = "expires_at"
        case sizeVRAM = "size_vram"
    }
}

/// The answer of `GET /api/ps`.
public struct RunningModels: Sendable, Hashable, Codable {
    public var models: [RunningModel]

    public init(models: [RunningModel]) { self.models = models }
}
