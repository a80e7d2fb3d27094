import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// ModelServe's HTTP/1.1 connections: Hummingbird's `HTTP1Channel` pipeline with the
/// ``InlineCompletionHandler`` right after NIO's HTTP decoder, ahead of the conversion to HTTP
/// types that the router reads (Hummingbird's own extra handlers can only go after it).
///
/// The rest is Hummingbird's as it is: the same decoder limits, `HTTP1ToHTTPServerCodec`, the
/// connection state handler (idle timeout, `Connection: close`, graceful shutdown), and
/// `handleHTTP`, which runs the router for every request the inline handler hands on.
struct ModelServeHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    /// Makes the inline handler for a new connection; nil to answer everything through the router.
    let inlineHandler: (@Sendable () -> InlineCompletionHandler)?
    var decoderLimits = HTTP1Channel.Configuration.DecoderConfiguration()

    /// A server builder for `Application(server:)`.
    static func builder(inlineHandler: (@Sendable () -> InlineCompletionHandler)?) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in ModelServeHTTP1Channel(responder: responder, inlineHandler: inlineHandler) }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderFieldSize = decoderLimits.maxHeaderFieldSize
            limits.maxHeaderListSize = decoderLimits.maxHeaderListSize
            limits.maxHeaderFieldCount = decoderLimits.maxHeaderFieldCount
            let pipeline = channel.pipeline.syncOperations
            try pipeline.configureHTTPServerPipeline(
                withPipeliningAssistance: false,  // requests are taken one at a time by handleHTTP
                withErrorHandling: false,  // Hummingbird answers parse errors itself
                withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(),
                withDecoderLimitConfiguration: limits
            )
            if let inlineHandler { try pipeline.addHandler(inlineHandler()) }
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: nil, logger: logger))
            return try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}
