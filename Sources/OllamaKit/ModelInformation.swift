/// The body of `POST /api/show`.
public struct ShowRequest: Sendable, Hashable, Codable {
    public var model: String
    /// `true` asks for the full tokenizer data in `model_info`.
    public var verbose: Bool?

    public init(model: String, verbose: Bool? = nil) {
        self.model = model
        self.verbose = verbose
    }
}

/// The answer of `POST /api/show`: a model's Modelfile, template, parameters and details.
public struct ModelInformation: Sendable, Hashable, Codable {
    public var modelfile: String?
    /// Modelfile parameters, one `name value` per line.
    public var parameters: String?
    public var template: String?
    public var system: String?
    public var license: String?
    public var details: ModelDetails?
    /// What the model can do, e.g. `["completion", "embedding"]`.
    public var capabilities: [String]?
    public var modifiedAt: String?

    public init(
        modelfile: String? = nil, parameters: String? = nil, template: String? = nil, system: String? = nil,
        license: String? = nil, details: ModelDetails? = nil, capabilities: [String]? = nil,
        modifiedAt: String? = nil
    ) {
        self.modelfile = modelfile
        self.parameters = parameters
        self.template = template
        self.system = system
        self.license = license
        self.details = details
        self.capabilities = capabilities
        self.modifiedAt = modifiedAt
    }

    enum CodingKeys: String, CodingKey {
        case modelfile, parameters, template, system, license, details, capabilities
        case modifiedAt = "modified_at"
    }
}
