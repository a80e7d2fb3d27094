import ArgumentParser
import Foundation
import Logging
import ModelServe
import NIOCore
import NIOPosix

/// `model-serve serve`: runs the HTTP service. Every flag can also come from a `MODELSERVE_*`
/// environment variable; a flag wins over the environment.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API in front of one or more Ollama servers.",
        discussion: """
        Routes: POST /v1/generate, /v1/chat, /v1/embeddings (API key needed); GET /health, /ready, \
        /metrics, /version, /openapi.json (no key). Streaming (`"stream": true`) answers NDJSON, or \
        server-sent events when Accept names text/event-stream.

        Every option can be set in the environment instead: MODELSERVE_ and the option's name in \
        capitals with underscores, e.g. MODELSERVE_PORT=8080, MODELSERVE_OLLAMA=http://a:11434,http://b:11434 \
        (lists are comma-separated), MODELSERVE_REQUEST_TIMEOUT=30s. Durations take ms, s, m or h.

        SIGTERM or SIGINT: stop accepting, answer /ready with 503, let requests in flight finish \
        for up to --shutdown-timeout, then cancel them.
        """
    )

    @Option(help: "The address to bind. [env: MODELSERVE_HOST] (default: 127.0.0.1)")
    var host: String?

    @Option(help: "The port to listen on; 0 picks a free one and prints it. [env: MODELSERVE_PORT] (default: 8080)")
    var port: Int?

    @Option(name: .customLong("ollama"), help: ArgumentHelp(
        "An upstream Ollama URL (repeatable; requests go to the least loaded healthy one). [env: MODELSERVE_OLLAMA] (default: http://127.0.0.1:11434)",
        valueName: "url"
    ))
    var upstreams: [String] = []

    @Option(name: .customLong("model"), help: ArgumentHelp(
        "A model to serve (repeatable; the first is the default). [env: MODELSERVE_MODEL]", valueName: "name"
    ))
    var models: [String] = []

    @Option(help: "The release this process belongs to; labels every metric. [env: MODELSERVE_RELEASE_ID] (default: unreleased)")
    var releaseID: String?

    @Option(help: "The source commit of this build, shown by /version. [env: MODELSERVE_BUILD_COMMIT] (default: unknown)")
    var buildCommit: String?

    @Option(help: ArgumentHelp("The API keys file (see `model-serve keys`). [env: MODELSERVE_KEYS_FILE]", valueName: "path"))
    var keysFile: String?

    @Option(help: "Requests per second each API key regains. [env: MODELSERVE_RATE_LIMIT] (default: 20)")
    var rateLimit: Double?

    @Option(help: "Requests each API key may make at once before the rate applies. [env: MODELSERVE_RATE_BURST] (default: 40)")
    var rateBurst: Double?

    @Option(help: "Upstream requests under way at once. [env: MODELSERVE_MAX_IN_FLIGHT] (default: 16)")
    var maxInFlight: Int?

    @Option(help: "Requests that may wait for a slot; beyond this, 503 at once. [env: MODELSERVE_MAX_QUEUE] (default: 64)")
    var maxQueue: Int?

    @Option(help: ArgumentHelp("The longest a request may take, queueing included. [env: MODELSERVE_REQUEST_TIMEOUT] (default: 120s)", valueName: "duration"))
    var requestTimeout: String?

    @Option(help: "The largest request body, in bytes. [env: MODELSERVE_MAX_BODY_BYTES] (default: 1048576)")
    var maxBodyBytes: Int?

    @Option(help: "The largest prompt (with system text), in bytes. [env: MODELSERVE_MAX_PROMPT_BYTES] (default: 32768)")
    var maxPromptBytes: Int?

    @Option(help: "The most messages in a chat request. [env: MODELSERVE_MAX_MESSAGES] (default: 64)")
    var maxMessages: Int?

    @Option(help: "The largest total message content of a chat request, in bytes. [env: MODELSERVE_MAX_MESSAGE_BYTES] (default: 65536)")
    var maxMessageBytes: Int?

    @Option(help: "The most tokens a request may ask for (max_tokens). [env: MODELSERVE_MAX_TOKENS] (default: 4096)")
    var maxTokens: Int?

    @Option(help: "The most inputs of one embeddings request. [env: MODELSERVE_MAX_EMBEDDING_INPUTS] (default: 128)")
    var maxEmbeddingInputs: Int?

    @Option(help: "Responses cached for deterministic (temperature 0) requests; 0 turns the cache off. [env: MODELSERVE_CACHE_ENTRIES] (default: 1024)")
    var cacheEntries: Int?

    @Option(help: ArgumentHelp("How long a cached response stays valid. [env: MODELSERVE_CACHE_TTL] (default: 5m)", valueName: "duration"))
    var cacheTTL: String?

    @Option(help: ArgumentHelp(
        "Whose requests share cached answers: key (each API key its own) or shared (every caller). [env: MODELSERVE_CACHE_SCOPE] (default: key)",
        valueName: "scope"
    ))
    var cacheScope: String?

    @Option(help: ArgumentHelp("How often each upstream is health-checked. [env: MODELSERVE_HEALTH_INTERVAL] (default: 2s)", valueName: "duration"))
    var healthInterval: String?

    @Option(help: ArgumentHelp("How long connecting to an upstream may take. [env: MODELSERVE_CONNECT_TIMEOUT] (default: 1s)", valueName: "duration"))
    var connectTimeout: String?

    @Option(help: ArgumentHelp("How often the keys file is checked for changes. [env: MODELSERVE_KEYS_RELOAD_INTERVAL] (default: 2s)", valueName: "duration"))
    var keysReloadInterval: String?

    @Option(help: ArgumentHelp("How long requests in flight may run on after SIGTERM. [env: MODELSERVE_SHUTDOWN_TIMEOUT] (default: 30s)", valueName: "duration"))
    var shutdownTimeout: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical. [env: MODELSERVE_LOG_LEVEL] (default: info)")
    var logLevel: String?

    @Option(help: "json (one object per line) or text. [env: MODELSERVE_LOG_FORMAT] (default: json)")
    var logFormat: String?

    @Flag(help: "Allow prompts and messages in debug logs. Off by default: logs never hold prompts or keys. [env: MODELSERVE_LOG_PROMPTS=1]")
    var logPrompts = false

    @Option(help: "Event loop threads, which run every request (and the rest of the process). [env: MODELSERVE_THREADS] (default: one per CPU)")
    var threads: Int?

    @Flag(help: "Answer non-streamed generate and chat through the router too, not on the connection's event loop (slower; for comparison). [env: MODELSERVE_ROUTER_ONLY=1]")
    var routerOnly = false

    func run() async throws {
        // Run Swift concurrency's jobs on NIO's event loops: no thread hop between a request's
        // I/O and its handler (measured: see the benchmark in the README).
        // Before anything touches NIO's singleton event loops, which are made once.
        let environment = EnvironmentSettings(ProcessInfo.processInfo.environment)
        let loops: Int?
        do {
            loops = try threads ?? environment.int("THREADS")
        } catch let error as ConfigurationError {
            printNote("error: \(error.message)")
            throw ExitCode(64)
        }
        if let loops {
            guard loops >= 1 else {
                printNote("error: --threads must be at least 1, not \(loops)")
                throw ExitCode(64)
            }
            NIOSingletons.groupLoopCountSuggestion = loops
        }
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        let settings: ServeConfiguration
        let logger: Logger
        do {
            settings = try configuration(environment: ProcessInfo.processInfo.environment)
            logger = try makeLogger(environment: ProcessInfo.processInfo.environment)
            try settings.validate()
        } catch let error as ConfigurationError {
            printNote("error: \(error.message)")
            throw ExitCode(64)
        }
        do {
            try await ModelServeServer.run(configuration: settings, logger: logger) { line in
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
        } catch let error as ConfigurationError {
            printNote("error: \(error.message)")
            throw ExitCode(64)
        } catch {
            printNote("error: model-serve stopped: \(error)")
            throw ExitCode.failure
        }
    }

    /// The flags, then the environment, then the defaults.
    func configuration(environment: [String: String]) throws -> ServeConfiguration {
        let env = EnvironmentSettings(environment)
        var settings = ServeConfiguration()
        settings.host = host ?? env.string("HOST") ?? settings.host
        settings.port = try port ?? env.int("PORT") ?? settings.port
        settings.upstreams = upstreams.isEmpty ? (env.list("OLLAMA") ?? settings.upstreams) : upstreams
        settings.models = models.isEmpty ? (env.list("MODEL") ?? []) : models
        settings.releaseID = releaseID ?? env.string("RELEASE_ID") ?? settings.releaseID
        settings.buildCommit = buildCommit ?? env.string("BUILD_COMMIT") ?? settings.buildCommit
        settings.keysFile = keysFile ?? env.string("KEYS_FILE") ?? ""
        settings.rateLimitPerSecond = try rateLimit ?? env.double("RATE_LIMIT") ?? settings.rateLimitPerSecond
        settings.rateLimitBurst = try rateBurst ?? env.double("RATE_BURST") ?? settings.rateLimitBurst
        settings.maxInFlight = try maxInFlight ?? env.int("MAX_IN_FLIGHT") ?? settings.maxInFlight
        settings.maxQueue = try maxQueue ?? env.int("MAX_QUEUE") ?? settings.maxQueue
        settings.requestTimeout = try env.duration(requestTimeout, "REQUEST_TIMEOUT", "--request-timeout") ?? settings.requestTimeout
        settings.limits.maxBodyBytes = try maxBodyBytes ?? env.int("MAX_BODY_BYTES") ?? settings.limits.maxBodyBytes
        settings.limits.maxPromptBytes = try maxPromptBytes ?? env.int("MAX_PROMPT_BYTES") ?? settings.limits.maxPromptBytes
        settings.limits.maxMessages = try maxMessages ?? env.int("MAX_MESSAGES") ?? settings.limits.maxMessages
        settings.limits.maxMessageBytes = try maxMessageBytes ?? env.int("MAX_MESSAGE_BYTES") ?? settings.limits.maxMessageBytes
        settings.limits.maxTokens = try maxTokens ?? env.int("MAX_TOKENS") ?? settings.limits.maxTokens
        settings.limits.maxEmbeddingInputs = try maxEmbeddingInputs ?? env.int("MAX_EMBEDDING_INPUTS") ?? settings.limits.maxEmbeddingInputs
        settings.cacheEntries = try cacheEntries ?? env.int("CACHE_ENTRIES") ?? settings.cacheEntries
        settings.cacheTimeToLive = try env.duration(cacheTTL, "CACHE_TTL", "--cache-ttl") ?? settings.cacheTimeToLive
        if let scope = cacheScope ?? env.string("CACHE_SCOPE") {
            guard let parsed = CacheScope(rawValue: scope) else {
                throw ConfigurationError("--cache-scope \(scope): use key or shared")
            }
            settings.cacheScope = parsed
        }
        settings.healthCheckInterval = try env.duration(healthInterval, "HEALTH_INTERVAL", "--health-interval") ?? settings.healthCheckInterval
        settings.upstreamConnectTimeout = try env.duration(connectTimeout, "CONNECT_TIMEOUT", "--connect-timeout") ?? settings.upstreamConnectTimeout
        settings.keysReloadInterval = try env.duration(keysReloadInterval, "KEYS_RELOAD_INTERVAL", "--keys-reload-interval") ?? settings.keysReloadInterval
        settings.shutdownTimeout = try env.duration(shutdownTimeout, "SHUTDOWN_TIMEOUT", "--shutdown-timeout") ?? settings.shutdownTimeout
        settings.logPrompts = logPrompts || env.string("LOG_PROMPTS") == "1"
        settings.inlineCompletions = !(routerOnly || env.string("ROUTER_ONLY") == "1")
        return settings
    }

    func makeLogger(environment: [String: String]) throws -> Logger {
        let env = EnvironmentSettings(environment)
        let levelName = logLevel ?? env.string("LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: levelName) else {
            throw ConfigurationError("--log-level \(levelName): use trace, debug, info, notice, warning, error or critical")
        }
        let format = logFormat ?? env.string("LOG_FORMAT") ?? "json"
        var logger: Logger
        switch format {
        case "json": logger = Logger(label: "model-serve") { JSONLogHandler(label: $0) }
        case "text": logger = Logger(label: "model-serve") { StreamLogHandler.standardError(label: $0) }
        default: throw ConfigurationError("--log-format \(format): use json or text")
        }
        logger.logLevel = level
        return logger
    }
}
