import Hummingbird
import Logging

/// A Hummingbird app in the test process, on 127.0.0.1 and a port the kernel chose: for the
/// small servers tests stand up (a webhook receiver, an identity provider's JWKS).
public enum LoopbackHTTPServer {
    /// Serves `router` until `body` (given the port) returns or throws, then calls `stopping` and
    /// stops the server; throws when the server does not start.
    public static func with<T>(
        _ router: Router<BasicRequestContext>, name: String, stopping: () -> Void = {}, _ body: (Int) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: name)
        // The test ends the server by cancelling it, which Hummingbird logs as errors.
        logger.logLevel = .critical
        let (ports, announce) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), serverName: name),
            onServerRunning: { channel in announce.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        // A server that stops (or never starts) ends the wait for its port.
        Task { _ = await server.result; announce.finish() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            server.cancel()
            throw NotStarted(description: "the \(name) server did not start: \(String(describing: await server.result))")
        }
        do {
            let result = try await body(port)
            stopping()
            server.cancel()
            _ = await server.result
            return result
        } catch {
            stopping()
            server.cancel()
            _ = await server.result
            throw error
        }
    }

    public struct NotStarted: Error, CustomStringConvertible {
        public var description: String
    }
}
