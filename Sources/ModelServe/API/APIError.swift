import Hummingbird

/// A request ModelServe refuses or cannot complete: the HTTP status, a short stable code (also a
/// metric label), a message the caller can act on, and for 429/503 how long to wait.
///
/// Answered as `{"error": {"code": …, "message": …, "request_id": …}}`, with `Retry-After` when set.
public struct APIError: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// Seconds the caller should wait before trying again (`Retry-After`).
    public var retryAfterSeconds: Int?

    public init(status: HTTPResponse.Status, code: String, message: String, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    // MARK: - The errors ModelServe answers with

    static func malformedJSON(_ detail: String) -> APIError {
        APIError(status: .badRequest, code: "malformed_json", message: "the request body is not valid JSON: \(detail)")
    }

    static func unsupportedMediaType(_ contentType: String?) -> APIError {
        APIError(
            status: .unsupportedMediaType, code: "unsupported_media_type",
            message: "send the body as JSON with Content-Type: application/json (got \(contentType.map { "\"\($0)\"" } ?? "none"))"
        )
    }

    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(status: .contentTooLarge, code: "body_too_large", message: "the request body is larger than \(limit) bytes")
    }

    static func invalid(_ message: String) -> APIError {
        APIError(status: .unprocessableContent, code: "validation_failed", message: message)
    }

    static let missingKey = APIError(
        status: .unauthorized, code: "unauthorized",
        message: "send an API key as `Authorization: Bearer ms_…` (create one with `model-serve keys add`)"
    )

    static let unknownKey = APIError(
        status: .unauthorized, code: "unauthorized", message: "the API key is not known or has been revoked"
    )

    static func forbidden(route: String) -> APIError {
        APIError(status: .forbidden, code: "forbidden", message: "this API key is not allowed the \"\(route)\" route")
    }

    static func rateLimited(retryAfterSeconds: Int) -> APIError {
        APIError(
            status: .tooManyRequests, code: "rate_limited",
            message: "this API key is over its rate limit; retry after \(retryAfterSeconds) s",
            retryAfterSeconds: retryAfterSeconds
        )
    }

    static let queueFull = APIError(
        status: .serviceUnavailable, code: "overloaded",
        message: "the server is at its limit of requests in flight and queued; retry shortly", retryAfterSeconds: 1
    )

    static let queueTimeout = APIError(
        status: .serviceUnavailable, code: "queue_timeout",
        message: "the request waited in the queue until its deadline without being admitted; retry shortly",
        retryAfterSeconds: 1
    )

    static let deadlineExceeded = APIError(
        status: .gatewayTimeout, code: "deadline_exceeded",
        message: "the upstream model did not answer within the request's deadline (--request-timeout, or X-Request-Timeout)"
    )

    static let shuttingDown = APIError(
        status: .serviceUnavailable, code: "shutting_down", message: "the server is shutting down; retry elsewhere",
        retryAfterSeconds: 1
    )
}
