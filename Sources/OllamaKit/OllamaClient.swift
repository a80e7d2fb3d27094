import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// An async client for one Ollama server.
///
/// The `HTTPClient` is the caller's: create it in a scope (`HTTPClient.withHTTPClient`, or
/// `HTTPClient.shared`) and keep it alive while the client is used. Every call takes an optional
/// timeout that overrides ``timeout``; a call whose task is cancelled cancels its upstream
/// request. Failures are ``OllamaError``s (or `CancellationError` when the caller cancelled).
public struct OllamaClient: Sendable {
    /// The server, e.g. `http://127.0.0.1:11434`, without a trailing slash.
    public var baseURL: String
    /// How long a call may take by default. For a streamed call, the time until the response
    /// head arrives; the stream itself may run longer.
    public var timeout: Duration
    /// The largest non-streamed response body accepted.
    public var maxResponseBytes: Int
    let httpClient: HTTPClient

    public init(
        baseURL: String = "http://127.0.0.1:11434", httpClient: HTTPClient, timeout: Duration = .seconds(300),
        maxResponseBytes: Int = 64 << 20
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.httpClient = httpClient
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }

    // MARK: - Generation

    /// `POST /api/generate` without streaming: the whole completion with its metrics.
    public func generate(_ request: GenerateRequest, timeout: Duration? = nil) async throws -> GenerateResponse {
        var request = request
        request.stream = false
        return try await call(.POST, "/api/generate", body: request, timeout: timeout)
    }

    /// `POST /api/generate` streamed: one ``GenerateResponse`` per NDJSON line, the last with
    /// `done == true` and the metrics. Stopping the iteration cancels the upstream request.
    public func generateStream(
        _ request: GenerateRequest, timeout: Duration? = nil
    ) -> AsyncThrowingStream<GenerateResponse, any Error> {
        var request = request
        request.stream = true
        return stream(.POST, "/api/generate", body: request, timeout: timeout)
    }

    /// `POST /api/chat` without streaming: the assistant's whole message with its metrics.
    public func chat(_ request: ChatRequest, timeout: Duration? = nil) async throws -> ChatResponse {
        var request = request
        request.stream = false
        return try await call(.POST, "/api/chat", body: request, timeout: timeout)
    }

    /// `POST /api/chat` streamed: one ``ChatResponse`` per NDJSON line, the last with `done == true`.
    public func chatStream(
        _ request: ChatRequest, timeout: Duration? = nil
    ) -> AsyncThrowingStream<ChatResponse, any Error> {
        var request = request
        request.stream = true
        return stream(.POST, "/api/chat", body: request, timeout: timeout)
    }

    /// `POST /api/embed`: one vector per input.
    public func embed(_ request: EmbedRequest, timeout: Duration? = nil) async throws -> EmbedResponse {
        try await call(.POST, "/api/embed", body: request, timeout: timeout)
    }

    /// Loads `model` into memory without generating (an empty `/api/generate` with `keep_alive`).
    /// Ollama answers with `done_reason` `"load"`.
    @discardableResult
    public func preload(
        model: String, keepAlive: KeepAlive? = nil, timeout: Duration? = nil
    ) async throws -> GenerateResponse {
        try await generate(GenerateRequest(model: model, keepAlive: keepAlive), timeout: timeout)
    }
}

extension OllamaClient {
    /// An `HTTPClient` configuration suited to Ollama: a refused or failed connection fails the
    /// call at once (so a caller can fail over) instead of being retried until the connect
    /// timeout, and connecting may take at most `connectTimeout`.
    public static func httpClientConfiguration(connectTimeout: Duration = .seconds(2)) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = TimeAmount(connectTimeout)
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }
}
