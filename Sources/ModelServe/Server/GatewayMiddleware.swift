import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// What happens around every request: its id, the API key check and rate limit for routes that
/// need a key, errors answered as JSON, and one access-log line and metrics once the answer
/// (a stream included) has been sent.
///
/// The access log never holds a prompt or a key: request id, method, route, status, latency and
/// the key's public id.
struct GatewayMiddleware: RouterMiddleware {
    typealias Context = ModelServeContext

    let keys: APIKeyStore
    let rateLimiter: RateLimiter
    let metrics: ServeMetrics
    let logger: Logger
    let requestTimeout: Duration
    var accessLog: AccessLog { AccessLog(metrics: metrics, logger: logger) }
    /// Every route by the path its endpoint was registered with (Hummingbird's own spelling of
    /// it, `RouterPath.description`), which is what ``ModelServeContext/endpointPath`` holds once
    /// the router has matched a request.
    static let routesByEndpoint: [String: ServeRoute] = Dictionary(
        uniqueKeysWithValues: ServeRoute.allCases.map { (RouterPath($0.path).description, $0) }
    )

    func handle(
        _ request: Request, context: ModelServeContext, next: (Request, ModelServeContext) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        var context = context
        context.requestID = RequestID.accept(request.headers[RequestID.header])
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        // The route the router reached, not the raw path: `/v1/generate/`, `//v1/generate` and
        // `/v1//chat` reach the same endpoints as their plain spellings (the router ignores empty
        // segments), so they are checked the same way. This middleware runs inside each endpoint's
        // responder chain, after the match; a request that matched nothing has no endpoint here.
        let route = context.endpointPath.flatMap { Self.routesByEndpoint[$0] }
        let routeLabel = route?.rawValue ?? "unknown"

        var response: Response
        do {
            if let route, route.needsKey {
                context.keyID = try authorize(request, route: route)
                context.timeout = try Self.timeout(asked: request.headers[Self.timeoutHeader], limit: requestTimeout)
            }
            response = try await next(request, context)
        } catch {
            let apiError = APIError.from(error)
            if apiError.status == .internalServerError {
                logger.error("request failed", metadata: ["request_id": .string(context.requestID), "error": "\(error)"])
            }
            response = apiError.response(requestID: context.requestID)
        }
        response.headers[RequestID.header] = context.requestID

        let status = response.status.code
        let requestID = context.requestID
        let keyID = context.keyID
        let finish: @Sendable () -> Void = { [accessLog] in
            accessLog.record(
                requestID: requestID, method: request.method, route: routeLabel, status: status, keyID: keyID, since: start
            )
        }
        if response.body.contentLength != nil {
            finish()
            return response
        }
        let body = response.body
        response.body = ResponseBody { writer in
            defer { finish() }
            try await body.write(writer)
        }
        return response
    }

    /// Checks the key and spends a token of its rate limit; the key's public id when allowed.
    private func authorize(_ request: Request, route: ServeRoute) throws -> String {
        switch keys.authenticate(bearer: request.headers[.authorization], route: route.rawValue) {
        case .missingOrMalformed: throw APIError.missingKey
        case .unknownOrRevoked: throw APIError.unknownKey
        case .forbidden: throw APIError.forbidden(route: route.rawValue)
        case .allowed(let keyID):
            switch rateLimiter.take(keyID: keyID) {
            case .allowed: return keyID
            case .limited(let retryAfter): throw APIError.rateLimited(after: retryAfter)
            }
        }
    }

    static let timeoutHeader = HTTPField.Name("X-Request-Timeout")!

    /// The request's time budget: `--request-timeout`, or the caller's shorter `X-Request-Timeout`
    /// (`250ms`, `2s`, or seconds), so a caller that will give up anyway does not hold a slot.
    static func timeout(asked: String?, limit: Duration) throws(APIError) -> Duration {
        guard let asked else { return limit }
        guard let duration = DurationText.parse(asked), duration > .zero else {
            throw APIError.invalid("X-Request-Timeout must be a duration such as 500ms or 2s (got \"\(asked)\")")
        }
        return min(duration, limit)
    }
}
