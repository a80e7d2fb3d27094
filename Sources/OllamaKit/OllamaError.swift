import Foundation

/// A failed call to Ollama: what went wrong (``code``), a message a person can act on, the HTTP
/// status when the server answered, the route, and the underlying error when there is one.
///
/// ``isRetryable`` tells a transient failure (busy server, connection trouble) from a terminal one.
/// ``code``'s raw value is short and stable, safe as a metric label.
public struct OllamaError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable, Hashable {
        /// Ollama answered 503: its queue is full (`OLLAMA_MAX_QUEUE`). Retry later.
        case serverBusy = "server_busy"
        /// Ollama answered 404: the model is not present.
        case modelNotFound = "model_not_found"
        /// Ollama answered another 4xx with an error body: the request was rejected.
        case requestRejected = "request_rejected"
        /// Ollama answered 5xx (not 503), or a stream ended with an error line.
        case serverError = "server_error"
        /// No answer within the call's timeout.
        case timeout
        /// The connection could not be made or broke. Retry, perhaps elsewhere.
        case connectionFailed = "connection_failed"
        /// The answer was not what Ollama's API promises (bad JSON, missing fields).
        case malformedResponse = "malformed_response"
    }

    public var code: Code
    /// Ollama's own message (the `error` of its body) or a description of the failure.
    public var message: String
    /// The HTTP status, when the server answered.
    public var status: Int?
    /// The API path that was called, e.g. `/api/generate`.
    public var route: String
    /// The underlying error, when there is one.
    public var cause: (any Error)?

    public init(code: Code, message: String, status: Int? = nil, route: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.route = route
        self.cause = cause
    }

    /// Whether the same call may succeed if tried again later.
    public var isRetryable: Bool {
        switch code {
        case .serverBusy, .connectionFailed, .timeout: return true
        case .modelNotFound, .requestRejected, .serverError, .malformedResponse: return false
        }
    }

    public var description: String {
        var text = "Ollama \(route): \(code.rawValue)"
        if let status { text += " (HTTP \(status))" }
        text += ": \(message)"
        if let cause { text += "\n  caused by: \(String(describing: cause))" }
        return text
    }

    /// The error for a non-2xx answer with `body` (Ollama's `{"error": "..."}` when it decodes).
    public static func forStatus(_ status: Int, body: String, route: String) -> OllamaError {
        let message: String
        if let decoded = try? OllamaJSON.decoder.decode(ErrorBody.self, from: Data(body.utf8)) {
            message = decoded.error
        } else {
            message = body.isEmpty ? "HTTP \(status) with an empty body" : body
        }
        let code: Code
        switch status {
        case 503: code = .serverBusy
        case 404: code = .modelNotFound
        case 400..<500: code = .requestRejected
        default: code = .serverError
        }
        return OllamaError(code: code, message: message, status: status, route: route)
    }
}
