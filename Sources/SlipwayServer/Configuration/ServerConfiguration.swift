/// How `slipway serve` runs, read from flags and the environment in one place (the CLI).
public struct ServerConfiguration: Sendable {
    /// Where to listen. Default `127.0.0.1:8080`.
    public var listen = ListenAddress(host: "127.0.0.1", port: 8080)
    /// TLS from a PEM certificate chain and key; plain HTTP when nil.
    public var tls: TLSFiles?
    /// Secrets of the webhook senders.
    public var secrets = WebhookSecrets()
    /// The largest request body read; a larger one is answered 413 before anything in it is
    /// looked at. Default 1 MiB (a GitHub push payload is a few KiB to a few hundred).
    public var maxBodyBytes = 1 << 20
    /// How long requests in flight may take to finish after SIGTERM before they are cut.
    public var shutdownTimeout: Duration = .seconds(10)
    /// How long a connection may sit idle (a client that opened it and sends nothing, or
    /// sends a body very slowly) before it is closed.
    public var idleTimeout: Duration = .seconds(30)
    /// How long `/healthz` waits for the database before answering 503.
    public var healthTimeout: Duration = .seconds(2)
    /// Who may read the audit API and pending gates.
    public var access = AccessPolicy()
    /// The identity provider whose JWTs are accepted besides API tokens; nil accepts API tokens only.
    public var oidc: OIDCConfiguration?

    public init() {}

    /// Where a TLS certificate chain and its private key are.
    public struct TLSFiles: Sendable, Equatable {
        public var certificate: String
        public var key: String

        public init(certificate: String, key: String) {
            self.certificate = certificate
            self.key = key
        }
    }
}
