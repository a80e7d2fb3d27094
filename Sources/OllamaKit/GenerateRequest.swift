/// The body of `POST /api/generate`: a completion for one prompt.
///
/// A request with an empty prompt only loads the model (see ``OllamaClient/preload(model:keepAlive:timeout:)``).
public struct GenerateRequest: Sendable, Hashable, Codable {
    public var model: String
    public var prompt: String?
    /// Text after the model's response (fill-in-the-middle models).
    public var suffix: String?
    /// A system message that overrides the Modelfile's.
    public var system: String?
    /// A prompt template that overrides the Modelfile's.
    public var template: String?
    /// `"json"` asks for JSON output (JSON-schema formats are not modelled here).
    public var format: String?
    /// `true` (Ollama's default) streams NDJSON; the client sets this for you.
    public var stream: Bool?
    /// `true` sends the prompt without applying the template.
    public var raw: Bool?
    public var keepAlive: KeepAlive?
    public var options: ModelOptions?
    /// Base64-encoded images for multimodal models.
    public var images: [String]?

    public init(
        model: String, prompt: String? = nil, suffix: String? = nil, system: String? = nil,
        template: String? = nil, format: String? = nil, stream: Bool? = nil, raw: Bool? = nil,
        keepAlive: KeepAlive? = nil, options: ModelOptions? = nil, images: [String]? = nil
    ) {
        self.model = model
        self.prompt = prompt
        self.suffix = suffix
        self.system = system
        self.template = template
        self.format = format
        self.stream = stream
        self.raw = raw
        self.keepAlive = keepAlive
        self.options = options
        self.images = images
    }

    enum CodingKeys: String, CodingKey {
        case model, prompt, suffix, system, template, format, stream, raw, options, images
        case keepAlive = "keep_alive"
    }
}
