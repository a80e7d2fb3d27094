import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// How the client sends a request, applies its timeout, reads the answer and maps failures.
extension OllamaClient {
    /// Sends a request, waits for the whole body, and decodes it.
    func call<Body: Encodable & Sendable, Response: Decodable & Sendable>(
        _ method: HTTPMethod, _ path: String, body: Body?, timeout: Duration?
    ) async throws -> Response {
        let bytes = try await callForBytes(method, path, body: body, timeout: timeout)
        do {
            return try OllamaJSON.decoder.decode(Response.self, from: bytes)
        } catch {
            throw OllamaError(
                code: .malformedResponse, message: "cannot decode \(Response.self): \(error)", route: path, cause: error
            )
        }
    }

    /// Sends a request and returns the whole body of a 2xx answer, all within the call's timeout.
    func callForBytes<Body: Encodable & Sendable>(
        _ method: HTTPMethod, _ path: String, body: Body?, timeout: Duration?
    ) async throws -> ByteBuffer {
        let limit = timeout ?? self.timeout
        let maxBytes = maxResponseBytes
        return try await withTimeout(limit, route: path) {
            let response = try await self.send(method, path, body: body, timeout: limit)
            do {
                return try await response.body.collect(upTo: maxBytes)
            } catch {
                throw self.mapped(error, route: path)
            }
        }
    }

    /// Sends a request and streams the NDJSON lines of a 2xx answer, decoded as `Response`.
    func stream<Body: Encodable & Sendable, Response: Decodable & Sendable>(
        _ method: HTTPMethod, _ path: String, body: Body, timeout: Duration?
    ) -> AsyncThrowingStream<Response, any Error> {
        let limit = timeout ?? self.timeout
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let response = try await self.withTimeout(limit, route: path) {
                        try await self.send(method, path, body: body, timeout: limit)
                    }
                    var splitter = NDJSONLineSplitter()
                    do {
                        for try await chunk in response.body {
                            for line in splitter.append(chunk) {
                                continuation.yield(try Self.decodeLine(line, as: Response.self, route: path))
                            }
                        }
                    } catch let error as OllamaError {
                        throw error
                    } catch {
                        throw self.mapped(error, route: path)
                    }
                    if let last = splitter.finish() {
                        continuation.yield(try Self.decodeLine(last, as: Response.self, route: path))
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Sends the request and returns once a 2xx response head arrived; a non-2xx answer is read
    /// (up to 64 KiB) and thrown as an ``OllamaError``.
    private func send<Body: Encodable & Sendable>(
        _ method: HTTPMethod, _ path: String, body: Body?, timeout: Duration
    ) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json, application/x-ndjson")
        if let body {
            let data: Data
            do {
                data = try OllamaJSON.encoder.encode(body)
            } catch {
                throw OllamaError(code: .requestRejected, message: "cannot encode the request: \(error)", route: path, cause: error)
            }
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: data))
        }
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: TimeAmount(timeout))
        } catch {
            throw mapped(error, route: path)
        }
        guard (200..<300).contains(response.status.code) else {
            let status = Int(response.status.code)
            let text: String
            do {
                let bytes = try await response.body.collect(upTo: 64 << 10)
                text = String(buffer: bytes)
            } catch {
                throw mapped(error, route: path)
            }
            throw OllamaError.forStatus(status, body: text, route: path)
        }
        return response
    }

    /// Decodes one NDJSON line; a line that is Ollama's `{"error": …}` becomes a server error.
    private static func decodeLine<Response: Decodable>(
        _ line: ByteBuffer, as type: Response.Type, route: String
    ) throws -> Response {
        let decoder = OllamaJSON.decoder
        if line.readableBytesView.firstRange(of: Array(#""error""#.utf8)) != nil,
           let failure = try? decoder.decode(ErrorBody.self, from: line) {
            throw OllamaError(code: .serverError, message: failure.error, route: route)
        }
        do {
            return try decoder.decode(Response.self, from: line)
        } catch {
            throw OllamaError(
                code: .malformedResponse, message: "cannot decode a line as \(Response.self): \(String(buffer: line))",
                route: route, cause: error
            )
        }
    }

    /// Runs `operation`, failing with a timeout error if it takes longer than `limit`. The
    /// operation is cancelled when the time is up or the caller is cancelled.
    func withTimeout<T: Sendable>(
        _ limit: Duration, route: String, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            do {
                if let value = try await group.next() ?? nil { return value }
            } catch {
                if Task.isCancelled { throw CancellationError() }
                throw error
            }
            if Task.isCancelled { throw CancellationError() }
            throw OllamaError(code: .timeout, message: "no answer within \(limit)", route: route)
        }
    }

    /// Maps a transport error to an ``OllamaError`` (cancellation stays a `CancellationError`).
    func mapped(_ error: any Error, route: String) -> any Error {
        if error is OllamaError || error is CancellationError { return error }
        if error is NIOTooManyBytesError {
            return OllamaError(code: .malformedResponse, message: "the response body is too large", route: route, cause: error)
        }
        if let client = error as? HTTPClientError {
            switch client {
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return OllamaError(code: .timeout, message: "no answer in time", route: route, cause: error)
            case .cancelled:
                if Task.isCancelled { return CancellationError() }
            default:
                break
            }
        }
        if Task.isCancelled { return CancellationError() }
        return OllamaError(
            code: .connectionFailed, message: "cannot reach \(baseURL): \(error)", route: route, cause: error
        )
    }
}
