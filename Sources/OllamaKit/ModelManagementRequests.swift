/// The body of `POST /api/pull`: download a model from a registry.
public struct PullRequest: Sendable, Hashable, Codable {
    public var model: String
    /// Allow registries without TLS (development only).
    public var insecure: Bool?
    public var stream: Bool?

    public init(model: String, insecure: Bool? = nil, stream: Bool? = nil) {
        self.model = model
        self.insecure = insecure
        self.stream = stream
    }
}

/// The body of `POST /api/create`: a new model from an existing one.
///
/// Current Ollama takes `from` plus `system`, `template` and `parameters`; older versions took
/// the text of a Modelfile in `modelfile`, which is still sent when set.
public struct CreateRequest: Sendable, Hashable, Codable {
    /// The name of the new model.
    public var model: String
    /// The existing model to start from.
    public var from: String?
    /// The text of a Modelfile (`FROM …`, `SYSTEM …`, `PARAMETER …`), for older servers.
    public var modelfile: String?
    public var system: String?
    public var template: String?
    public var parameters: [String: Double]?
    public var stream: Bool?

    public init(
        model: String, from: String? = nil, modelfile: String? = nil, system: String? = nil,
        template: String? = nil, parameters: [String: Double]? = nil, stream: Bool? = nil
    ) {
        self.model = model
        self.from = from
        self.modelfile = modelfile
        self.system = system
        self.template = template
        self.parameters = parameters
        self.stream = stream
    }
}

/// The body of `DELETE /api/delete`.
public struct DeleteRequest: Sendable, Hashable, Codable {
    public var model: String

    public init(model: String) { self.model = model }
}

/// The answer of `GET /api/version`.
public struct VersionResponse: Sendable, Hashable, Codable {
    public var version: String

    public init(version: String) { self.version = version }
}

/// The body Ollama sends with a failed request, and as a line of a stream that fails midway.
public struct ErrorBody: Sendable, Hashable, Codable {
    public var error: String

    public init(error: String) { self.error = error }
}
