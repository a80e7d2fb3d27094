import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import OllamaKit
import ServiceLifecycle

/// A whole ModelServe process: the HTTP server, the upstream health checks and the keys-file
/// watcher in one `ServiceGroup` that shuts down gracefully on SIGTERM or SIGINT.
///
/// On shutdown the server stops accepting connections and `/ready` turns 503; requests in flight
/// (streams included) may finish for up to ``ServeConfiguration/shutdownTimeout``, after which
/// they are cancelled (which cancels their upstream requests).
public enum ModelServeServer {
    /// Runs until a signal (or `cancellation`) stops it. `announce` receives the address once the
    /// server listens, e.g. `model-serve listening on 127.0.0.1:8080`.
    public static func run(
        configuration: ServeConfiguration, logger: Logger,
        announce: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws {
        try configuration.validate()
        let keys: APIKeyStore
        do {
            keys = try APIKeyStore(path: configuration.keysFile)
        } catch {
            throw ConfigurationError("--keys-file: \(error)")
        }
        if keys.list().allSatisfy(\.isRevoked) {
            logger.warning(
                "the keys file has no usable key; every /v1 request will get 401 until one is added",
                metadata: ["keys_file": .string(configuration.keysFile)]
            )
        }
        var clientConfiguration = OllamaClient.httpClientConfiguration(connectTimeout: configuration.upstreamConnectTimeout)
        // One connection per admitted request, so the client's pool never queues what admission let through.
        clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(8, configuration.maxInFlight)
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        let service = ModelServeService(configuration: configuration, keys: keys, httpClient: httpClient, logger: logger)
        defer { service.pool.closeIdleConnections() }
        do {
            let host = configuration.host
            var serverLogger = logger
            serverLogger.logLevel = max(logger.logLevel, .notice)
            let serverName = "model-serve"
            let dates = HTTPDate()
            var inlineHandler: (@Sendable () -> InlineCompletionHandler)?
            if configuration.inlineCompletions {
                inlineHandler = { InlineCompletionHandler(service: service, dates: dates, serverName: serverName) }
            }
            let app = Application(
                router: service.router(),
                server: ModelServeHTTP1Channel.builder(inlineHandler: inlineHandler),
                configuration: ApplicationConfiguration(
                    address: .hostname(host, port: configuration.port), serverName: serverName
                ),
                onServerRunning: { channel in
                    announce("model-serve listening on \(host):\(channel.localAddress?.port ?? 0)")
                },
                logger: serverLogger
            )
            let group = ServiceGroup(configuration: groupConfiguration(
                services: [
                    UpstreamHealthMonitor(pool: service.pool, interval: configuration.healthCheckInterval, logger: logger),
                    KeysFileWatcher(store: keys, interval: configuration.keysReloadInterval, logger: logger),
                    DrainOnShutdown(flag: service.draining, logger: logger),
                    app,
                ],
                shutdownTimeout: configuration.shutdownTimeout, logger: logger
            ))
            try await group.run()
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
    }

    static func groupConfiguration(services: [any Service], shutdownTimeout: Duration, logger: Logger) -> ServiceGroupConfiguration {
        var configuration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
        )
        configuration.maximumGracefulShutdownDuration = shutdownTimeout
        configuration.maximumCancellationDuration = .seconds(5)
        return configuration
    }
}

/// Marks the server as draining when graceful shutdown begins, so `/ready` answers 503.
struct DrainOnShutdown: Service {
    let flag: DrainFlag
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        if !flag.isSet {
            flag.set()
            logger.notice("shutting down: no new connections; requests in flight may finish")
        }
    }
}
