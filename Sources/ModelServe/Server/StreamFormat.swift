import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// How a streamed answer is framed, chosen by the request's `Accept` header: server-sent events
/// when it names `text/event-stream`, else newline-delimited JSON.
enum StreamFormat: Sendable {
    case ndjson
    case serverSentEvents

    init(accept: String?) {
        self = accept?.lowercased().contains("text/event-stream") == true ? .serverSentEvents : .ndjson
    }

    var headers: HTTPFields {
        switch self {
        case .ndjson: return [.contentType: "application/x-ndjson", .cacheControl: "no-cache"]
        case .serverSentEvents: return [.contentType: "text/event-stream", .cacheControl: "no-cache"]
        }
    }

    /// One chunk framed: a JSON line, or a `data:` event and a blank line.
    func frame(_ chunk: StreamChunk) -> ByteBuffer {
        let json = (try? ModelServeService.encoder.encode(chunk)) ?? Data("{}".utf8)
        var buffer = ByteBuffer()
        switch self {
        case .ndjson:
            buffer.writeData(json)
            buffer.writeString("\n")
        case .serverSentEvents:
            buffer.writeString("data: ")
            buffer.writeData(json)
            buffer.writeString("\n\n")
        }
        return buffer
    }
}
