import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import OllamaKit

/// A failure answered the way Ollama answers: a status and `{"error": "…"}`.
struct SimFailure: Error {
    var status: HTTPResponse.Status
    var message: String

    static func modelNotFound(_ model: String) -> SimFailure {
        SimFailure(status: .notFound, message: "model \"\(model)\" not found, try pulling it first")
    }

    static let serverBusy = SimFailure(
        status: .serviceUnavailable, message: "server busy, please try again.  maximum pending requests exceeded"
    )

    var response: Response {
        (try? SimResponse.json(ErrorBody(error: message), status: status))
            ?? Response(status: status)
    }
}

/// Building responses and reading request bodies.
enum SimResponse {
    /// The largest request body the simulator reads.
    static let maxRequestBytes = 8 << 20

    /// `value` as a JSON response.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try OllamaJSON.encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: data))
        )
    }

    /// One NDJSON line: `value` encoded, then a newline.
    static func line(_ value: some Encodable) throws -> ByteBuffer {
        var buffer = ByteBuffer(data: try OllamaJSON.encoder.encode(value))
        buffer.writeString("\n")
        return buffer
    }

    /// A streamed NDJSON response whose lines `write` produces, counted in `statistics`.
    static func ndjson(
        statistics: SimStatistics, _ write: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void
    ) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/x-ndjson"],
            body: ResponseBody { writer in
                await statistics.streamStarted()
                do {
                    try await write(&writer)
                    try await writer.finish(nil)
                } catch {
                    await statistics.streamEnded(completed: false)
                    throw error
                }
                await statistics.streamEnded(completed: true)
            }
        )
    }

    /// The request's JSON body decoded as `T`; a 400 with Ollama's error shape when it does not decode.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maxRequestBytes)
        } catch {
            throw SimFailure(status: .contentTooLarge, message: "request body larger than \(maxRequestBytes) bytes")
        }
        do {
            return try OllamaJSON.decoder.decode(T.self, from: body)
        } catch {
            throw SimFailure(status: .badRequest, message: "invalid request body: \(error)")
        }
    }

    /// Runs a handler, answering a ``SimFailure`` as Ollama would.
    static func handle(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let failure as SimFailure {
            return failure.response
        } catch {
            return SimFailure(status: .internalServerError, message: "\(error)").response
        }
    }
}
