/// Everything `model-serve serve` can be told, with the defaults a single-host deployment wants.
///
/// The executable fills this from flags and `MODELSERVE_*` environment variables; tests build it
/// directly. ``validate()`` names the first setting that makes no sense.
public struct ServeConfiguration: Sendable {
    /// The address to bind.
    public var host = "127.0.0.1"
    /// The port to listen on; 0 picks a free one (printed on start).
    public var port = 8080
    /// Ollama servers, e.g. `http://127.0.0.1:11434`. Requests go to the least loaded healthy one.
    public var upstreams: [String] = ["http://127.0.0.1:11434"]
    /// The models this server serves; the first is the default when a request names none.
    public var models: [String] = []
    /// The release this process belongs to (a label on every metric, shown by `/version`).
    public var releaseID = "unreleased"
    /// The source commit this binary was built from (shown by `/version`).
    public var buildCommit = "unknown"
    /// The keys file of SHA-256 hashes (see `model-serve keys`).
    public var keysFile = ""
    /// How often the keys file is checked for changes made by `model-serve keys`.
    public var keysReloadInterval: Duration = .seconds(2)

    /// Requests per second each key regains, and how many it may spend at once.
    public var rateLimitPerSecond: Double = 20
    public var rateLimitBurst: Double = 40

    /// Upstream requests under way at once, and how many may wait behind them.
    public var maxInFlight = 16
    public var maxQueue = 64
    /// The longest a request may take, queueing included.
    public var requestTimeout: Duration = .seconds(120)

    /// Request limits a caller is told about in a 422.
    public var limits = RequestLimits()

    /// Responses kept for deterministic requests (0 turns the cache off), and for how long.
    public var cacheEntries = 1024
    public var cacheTimeToLive: Duration = .seconds(300)
    /// Whether each API key has its own cached answers (the default) or all callers share them.
    public var cacheScope: CacheScope = .perKey

    /// How often each upstream is health-checked, and how long connecting to one may take.
    public var healthCheckInterval: Duration = .seconds(2)
    public var upstreamConnectTimeout: Duration = .seconds(1)

    /// How long in-flight requests may run on after SIGTERM before they are cancelled.
    public var shutdownTimeout: Duration = .seconds(30)
    /// Whether prompts and messages may appear in logs (only at debug level).
    public var logPrompts = false
    /// Whether the usual non-streamed generate and chat requests are answered on their
    /// connection's event loop (``InlineCompletionHandler``) rather than through the router.
    /// Answers are the same either way; off is for comparison.
    public var inlineCompletions = true

    public init() {}

    /// The model used when a request names none.
    public var defaultModel: String { models.first ?? "" }

    /// Checks the settings; the error names the flag to change.
    public func validate() throws(ConfigurationError) {
        guard (0...65535).contains(port) else { throw ConfigurationError("--port must be 0…65535, not \(port)") }
        guard !upstreams.isEmpty else { throw ConfigurationError("give at least one --ollama URL") }
        for upstream in upstreams where !(upstream.hasPrefix("http://") || upstream.hasPrefix("https://")) {
            throw ConfigurationError("--ollama \(upstream): expected an http:// or https:// URL")
        }
        guard !models.isEmpty, models.allSatisfy({ !$0.isEmpty }) else {
            throw ConfigurationError("give the model to serve with --model (the first one is the default)")
        }
        guard !keysFile.isEmpty else {
            throw ConfigurationError("give the keys file with --keys-file (create keys with `model-serve keys add`)")
        }
        guard !releaseID.isEmpty else { throw ConfigurationError("--release-id must not be empty") }
        guard rateLimitPerSecond > 0, rateLimitBurst >= 1 else {
            throw ConfigurationError("--rate-limit must be above 0 and --rate-burst at least 1")
        }
        guard maxInFlight >= 1 else { throw ConfigurationError("--max-in-flight must be at least 1") }
        guard maxQueue >= 0 else { throw ConfigurationError("--max-queue must not be negative") }
        guard requestTimeout > .zero else { throw ConfigurationError("--request-timeout must be above 0") }
        guard cacheEntries >= 0 else { throw ConfigurationError("--cache-entries must not be negative") }
        guard healthCheckInterval > .zero else { throw ConfigurationError("--health-interval must be above 0") }
        try limits.validate()
    }
}

/// A setting of ``ServeConfiguration`` that cannot work, with the flag to change.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
