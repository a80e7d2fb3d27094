import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOSSL
import ServiceLifecycle
import SlipwayEngine
import SlipwayLedger

/// What `slipway serve` runs: the HTTP server (webhooks, health, metrics, the API description),
/// the pipeline's branch watcher woken by webhook deliveries, and the drift monitor, in one
/// `ServiceGroup`.
///
/// SIGTERM or SIGINT shuts the group down in reverse order: the server stops accepting
/// connections and lets requests in flight finish (up to ``ServerConfiguration/shutdownTimeout``),
/// then the watcher stops polling and stops the runs under way after their current step (the
/// next `slipway serve`, `watch` or `run` resumes them), then the drift monitor stops.
public final class ReleaseServer: Sendable {
    public let configuration: ServerConfiguration
    public let ledger: Ledger
    public let metrics: ServerMetrics
    let logger: Logger
    let recorder: RunMetricsRecorder
    let wakeUps = BranchWatcher.WakeUps()
    /// Who is calling the routes that need a token.
    let authenticator: any APICallerAuthenticator

    public init(configuration: ServerConfiguration, ledger: Ledger, logger: Logger, metrics: ServerMetrics = ServerMetrics()) {
        self.configuration = configuration
        self.ledger = ledger
        self.logger = logger
        self.metrics = metrics
        recorder = RunMetricsRecorder(ledger: ledger, metrics: metrics, logger: logger)
        authenticator = BearerAuthenticator(
            tokens: LedgerTokenAuthenticator(ledger: ledger),
            oidc: configuration.oidc.map { OIDCAuthenticator(configuration: $0, logger: logger) }
        )
    }

    /// Hands what a run reports to the metrics; pass it into the ``RunCoordinator``'s progress.
    public func observe(_ progress: RunProgress) {
        recorder.observe(progress)
    }

    /// Runs until SIGTERM or SIGINT. `announce` hears `slipway serve listening on http://HOST:PORT`
    /// once the server listens (with the port the kernel chose when the configured one is 0).
    public func run(trigger: PipelineTrigger, drift: DriftWatch?, announce: @escaping @Sendable (String) -> Void) async throws {
        let groups = try routeGroups(trigger: trigger)
        let router = Router(context: ServerContext.self)
        router.add(middleware: ServerMiddleware(metrics: metrics, logger: logger))
        for group in groups { group.register(on: router) }

        let scheme = configuration.tls == nil ? "http" : "https"
        let listen = configuration.listen
        var serverLogger = logger
        serverLogger.logLevel = max(logger.logLevel, .notice)
        let app = Application(
            router: router,
            server: try httpServer(),
            configuration: ApplicationConfiguration(address: .hostname(listen.host, port: listen.port), serverName: "slipway"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? listen.port
                announce("slipway serve listening on \(scheme)://\(ListenAddress(host: listen.host, port: port))")
            },
            logger: serverLogger
        )
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: recorder),
            .init(service: BranchWatcherService(trigger: trigger, wakeUps: wakeUps)),
            .init(service: app),
        ]
        if let drift { services.insert(.init(service: DriftMonitorService(watch: drift)), at: 1) }
        var groupConfiguration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownTimeout
        groupConfiguration.maximumCancellationDuration = .seconds(5)
        try await ServiceGroup(configuration: groupConfiguration).run()
    }

    /// Every route the server answers, in one list: `/openapi.json` describes exactly these.
    /// The approvals and audit routes join here as groups of their own.
    func routeGroups(trigger: PipelineTrigger) throws -> [any RouteGroup] {
        let webhooks = WebhookRoutes(
            intake: WebhookIntake(secrets: configuration.secrets, pipeline: trigger.pipeline, branch: trigger.branch),
            ledger: ledger, wakeUps: wakeUps, metrics: metrics, maxBodyBytes: configuration.maxBodyBytes, logger: logger
        )
        var operations = OperationsRoutes(ledger: ledger, metrics: metrics, healthTimeout: configuration.healthTimeout)
        let approvals = ApprovalRoutes(
            ledger: ledger, authenticator: authenticator, access: configuration.access, maxBodyBytes: configuration.maxBodyBytes, logger: logger
        )
        let audit = AuditRoutes(ledger: ledger, authenticator: authenticator, access: configuration.access)
        let web = WebRoutes(
            ledger: ledger, authenticator: authenticator, access: configuration.access, maxBodyBytes: configuration.maxBodyBytes,
            secureCookies: configuration.tls != nil, logger: logger
        )
        // The description covers every group; the operations group serves it.
        operations.openAPIDocument = try OpenAPIDocument.json(for: [webhooks, operations, approvals, audit, web], version: Self.version)
        return [webhooks, operations, approvals, audit, web]
    }

    /// The version `/openapi.json` gives.
    public static let version = "0.1.0"

    /// HTTP/1.1, over TLS when the configuration names a certificate and key.
    func httpServer() throws -> HTTPServerBuilder {
        let idle = configuration.idleTimeout.components
        let http1 = HTTPServerBuilder.http1(configuration: .init(
            idleTimeout: .nanoseconds(idle.seconds * 1_000_000_000 + idle.attoseconds / 1_000_000_000)
        ))
        guard let files = configuration.tls else { return http1 }
        let chain: [NIOSSLCertificateSource]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificate).map { .certificate($0) }
        } catch {
            throw ServerStartError("--tls-certificate \(files.certificate): not a readable PEM certificate chain (\(error))")
        }
        guard !chain.isEmpty else { throw ServerStartError("--tls-certificate \(files.certificate): holds no certificate") }
        do {
            key = try NIOSSLPrivateKey(file: files.key, format: .pem)
        } catch {
            throw ServerStartError("--tls-key \(files.key): not a readable PEM private key (\(error))")
        }
        return try .tls(http1, tlsConfiguration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
    }
}

/// The server cannot start, with what to change.
public struct ServerStartError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
