import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat
import OllamaKit

/// The parts of a running ModelServe that the route handlers share: the configuration, the key
/// store, limits, the upstream pool, the cache and the metrics.
public final class ModelServeService: Sendable {
    public let configuration: ServeConfiguration
    public let keys: APIKeyStore
    public let metrics: ServeMetrics
    public let pool: UpstreamPool
    let rateLimiter: RateLimiter
    let admission: AdmissionController
    let cache: ResponseCache<Completion>?
    let logger: Logger
    let servedModels: [String]
    /// The served models by the names a request may give them (`m` and `m:latest` alike).
    let servedNames: [String: String]
    /// Set when graceful shutdown begins: `/ready` answers 503 so load balancers stop sending.
    let draining = DrainFlag()

    /// Builds the service; `httpClient` is the caller's and must outlive it.
    public init(
        configuration: ServeConfiguration, keys: APIKeyStore, httpClient: HTTPClient, logger: Logger,
        metrics: ServeMetrics? = nil
    ) {
        self.configuration = configuration
        self.keys = keys
        self.logger = logger
        let metrics = metrics ?? ServeMetrics(releaseID: configuration.releaseID)
        self.metrics = metrics
        rateLimiter = RateLimiter(capacity: configuration.rateLimitBurst, refillPerSecond: configuration.rateLimitPerSecond)
        admission = AdmissionController(maxInFlight: configuration.maxInFlight, maxQueue: configuration.maxQueue) {
            metrics.recordAdmission(inFlight: $0, queued: $1)
        }
        pool = UpstreamPool(
            clients: configuration.upstreams.map {
                OllamaClient(baseURL: $0, httpClient: httpClient, timeout: configuration.requestTimeout)
            },
            connectTimeout: configuration.upstreamConnectTimeout,
            observeHealth: { metrics.recordUpstreamHealth(url: $0, healthy: $1) }
        )
        cache = configuration.cacheEntries > 0
            ? ResponseCache(capacity: configuration.cacheEntries, timeToLive: configuration.cacheTimeToLive) : nil
        servedModels = configuration.models.map(OllamaModelName.normalized)
        servedNames = Dictionary(
            configuration.models.flatMap { [($0, OllamaModelName.normalized($0)), (OllamaModelName.normalized($0), OllamaModelName.normalized($0))] },
            uniquingKeysWith: { first, _ in first }
        )
    }

    /// The model a request names (or the default), normalized, once the request has no problems:
    /// a 422 listing every problem otherwise, an unknown model among them.
    func validated(model requested: String?, problems: [String]) throws -> String {
        var problems = problems
        var model = servedModels[0]
        if let requested, !requested.isEmpty {
            model = servedNames[requested] ?? OllamaModelName.normalized(requested)
            if !servedModels.contains(model) {
                problems.insert(
                    "unknown model \"\(requested)\"; this server serves \(servedModels.joined(separator: ", "))", at: 0
                )
            }
        }
        guard problems.isEmpty else { throw APIError.invalid(problems.joined(separator: "; ")) }
        return model
    }

    /// Waits for an upstream slot, mapping refusals to 503s.
    func admit(deadline: ContinuousClock.Instant) async throws {
        do {
            try await admission.acquire(deadline: deadline)
        } catch AdmissionController.Refusal.queueFull {
            throw APIError.queueFull
        } catch AdmissionController.Refusal.deadlinePassed {
            throw APIError.queueTimeout
        }
    }

    /// The time left until `deadline`; a 504 when none is.
    func remaining(until deadline: ContinuousClock.Instant) throws -> Duration {
        let left = deadline - .now
        guard left > .milliseconds(1) else { throw APIError.deadlineExceeded }
        return left
    }

    /// An upstream failure as the caller should see it, counted in metrics.
    func upstreamFailure(_ error: any Error) -> any Error {
        guard let error = error as? OllamaError else { return error }
        metrics.recordUpstreamError(code: error.code.rawValue)
        switch error.code {
        case .timeout:
            return APIError.deadlineExceeded
        case .connectionFailed:
            return APIError(
                status: .serviceUnavailable, code: "upstream_unavailable",
                message: "no upstream Ollama could be reached; retry shortly", retryAfterSeconds: 1
            )
        case .serverBusy:
            return APIError(
                status: .serviceUnavailable, code: "upstream_busy",
                message: "every upstream Ollama is at its queue limit; retry shortly", retryAfterSeconds: 1
            )
        case .modelNotFound:
            return APIError(
                status: .badGateway, code: "upstream_error",
                message: "the upstream Ollama does not have the model: \(error.message)"
            )
        case .requestRejected, .serverError, .malformedResponse:
            return APIError(
                status: .badGateway, code: "upstream_error", message: "the upstream Ollama failed: \(error.message)"
            )
        }
    }

    /// Records what Ollama's counts say about a finished generation.
    func recordGeneration(_ generation: GenerationMetrics) {
        if let rate = generation.tokensPerSecond { metrics.recordTokensPerSecond(rate) }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static let allocator = ByteBufferAllocator()
    static let jsonHeaders: HTTPFields = [.contentType: "application/json; charset=utf-8"]

    /// A completion as a JSON answer, written without the encoder.
    static func json(_ value: CompletionResponse) -> Response {
        Response(status: .ok, headers: jsonHeaders, body: ResponseBody(byteBuffer: value.jsonBuffer(allocator: allocator)))
    }

    /// `value` as a JSON answer.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: data))
        )
    }
}

/// A flag set once, read from any task.
final class DrainFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false  // guarded by `lock`
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
