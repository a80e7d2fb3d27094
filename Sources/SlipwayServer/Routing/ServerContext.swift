import Hummingbird

/// What the server knows about a request while answering it.
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Who is calling, once an ``APICallerAuthenticator`` has said so; nil on routes that need no
    /// token (webhooks prove themselves with their signature, probes and metrics are open).
    public var caller: APICaller?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}
