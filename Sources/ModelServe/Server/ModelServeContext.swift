import Hummingbird
import NIOCore

/// What ModelServe knows about a request while answering it: its id, and the API key's public id
/// once the key has been checked.
public struct ModelServeContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller's `X-Request-ID` when it was acceptable, else one made here.
    public var requestID = ""
    /// The public id of the API key (never the key itself).
    public var keyID: String?
    /// How long the request may take: the server's `--request-timeout`, or less when the caller
    /// asks with `X-Request-Timeout`.
    public var timeout: Duration = .seconds(120)
    /// The event loop of the caller's connection.
    public let eventLoop: any EventLoop

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        eventLoop = source.channel.eventLoop
    }
}
