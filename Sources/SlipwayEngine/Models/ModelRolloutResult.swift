/// What a ``ModelRollout`` did: the model, the one digest every endpoint now holds, and what
/// happened on each endpoint. The ledger stores it as the evidence of the `model` step.
public struct ModelRolloutResult: Sendable, Hashable, Codable {
    /// What the rollout had to do to put the model on an endpoint.
    public enum Action: String, Sendable, Hashable, Codable {
        /// The endpoint already listed the model.
        case present
        /// The model was pulled from its registry.
        case pulled
        /// The model was created from the pipeline's Modelfile.
        case created
    }

    /// The outcome on one endpoint.
    public struct EndpointResult: Sendable, Hashable, Codable {
        /// The endpoint's base URL (without a trailing slash).
        public var url: String
        public var action: Action
        /// The model's digest on this endpoint (hex, as `/api/tags` reports it).
        public var digest: String
        /// Whether the model was loaded into memory.
        public var preloaded: Bool

        public init(url: String, action: Action, digest: String, preloaded: Bool) {
            self.url = url
            self.action = action
            self.digest = digest
            self.preloaded = preloaded
        }
    }

    /// The model's name as Ollama lists it, with its tag (`ramsey-model:latest`).
    public var model: String
    /// The digest every endpoint holds.
    public var digest: String
    /// One result per endpoint, in the order the environment lists them.
    public var endpoints: [EndpointResult]

    public init(model: String, digest: String, endpoints: [EndpointResult]) {
        self.model = model
        self.digest = digest
        self.endpoints = endpoints
    }
}
