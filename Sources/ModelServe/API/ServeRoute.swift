import Hummingbird

/// Every route ModelServe serves; the raw value is the scope an API key needs for it and the
/// `route` label of metrics and logs.
public enum ServeRoute: String, Sendable, CaseIterable {
    case generate, chat, embeddings
    case health, ready, metrics, version, openapi

    public var path: String {
        switch self {
        case .generate: return "/v1/generate"
        case .chat: return "/v1/chat"
        case .embeddings: return "/v1/embeddings"
        case .health: return "/health"
        case .ready: return "/ready"
        case .metrics: return "/metrics"
        case .version: return "/version"
        case .openapi: return "/openapi.json"
        }
    }

    public var method: HTTPRequest.Method {
        switch self {
        case .generate, .chat, .embeddings: return .post
        case .health, .ready, .metrics, .version, .openapi: return .get
        }
    }

    /// Whether the route needs an API key. Probes, metrics, version and the API description do not,
    /// so load balancers, Prometheus and Slipway can reach them; none of them reveals a prompt.
    public var needsKey: Bool {
        switch self {
        case .generate, .chat, .embeddings: return true
        case .health, .ready, .metrics, .version, .openapi: return false
        }
    }
}
