import Foundation
import NIOCore
import Testing

@testable import ModelServe

/// Stream framing: NDJSON lines or server-sent events, chosen by `Accept`.
@Suite struct StreamFormatTests {
    static let piece = StreamChunk(id: "req-1", model: "sim-small:latest", delta: "Hello \"world\"\nnext line", done: false)
    static let last = StreamChunk(
        id: "req-1", model: "sim-small:latest", delta: "", done: true, doneReason: "stop",
        usage: Completion.Usage(promptTokens: 5, completionTokens: 7), cached: false
    )

    static func text(_ buffer: ByteBuffer) -> String {
        String(buffer: buffer)
    }

    @Test func serverSentEventsOnlyForEventStream() {
        #expect(StreamFormat(accept: "text/event-stream") == .serverSentEvents)
        #expect(StreamFormat(accept: "Text/Event-Stream") == .serverSentEvents)
        #expect(StreamFormat(accept: "application/json, text/event-stream;q=0.9") == .serverSentEvents)
        #expect(StreamFormat(accept: nil) == .ndjson)
        #expect(StreamFormat(accept: "") == .ndjson)
        #expect(StreamFormat(accept: "*/*") == .ndjson)
        #expect(StreamFormat(accept: "application/x-ndjson") == .ndjson)
        #expect(StreamFormat(accept: "text/plain") == .ndjson)
    }

    @Test func contentTypeMatchesTheFormat() {
        #expect(StreamFormat.ndjson.headers[.contentType] == "application/x-ndjson")
        #expect(StreamFormat.serverSentEvents.headers[.contentType] == "text/event-stream")
    }

    @Test func ndjsonFrameIsOneJSONLine() throws {
        let text = Self.text(StreamFormat.ndjson.frame(Self.piece))
        #expect(text.hasSuffix("\n"))
        #expect(text.filter { $0 == "\n" }.count == 1, "the delta's newline is escaped inside the JSON")
        #expect(!text.hasPrefix("data:"))
        let decoded = try JSONDecoder().decode(StreamChunk.self, from: Data(text.dropLast().utf8))
        #expect(decoded == Self.piece)
    }

    @Test func sseFrameIsADataEventAndABlankLine() throws {
        let text = Self.text(StreamFormat.serverSentEvents.frame(Self.piece))
        #expect(text.hasPrefix("data: {"))
        #expect(text.hasSuffix("}\n\n"))
        #expect(text.filter { $0 == "\n" }.count == 2)
        let json = text.dropFirst("data: ".count).dropLast(2)
        let decoded = try JSONDecoder().decode(StreamChunk.self, from: Data(json.utf8))
        #expect(decoded == Self.piece)
    }

    @Test func lastChunkCarriesReasonAndUsageInSnakeCase() throws {
        for format in [StreamFormat.ndjson, .serverSentEvents] {
            var text = Self.text(format.frame(Self.last))
            if format == .serverSentEvents { text = String(text.dropFirst("data: ".count)) }
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(format)"
            )
            #expect(object["id"] as? String == "req-1")
            #expect(object["model"] as? String == "sim-small:latest")
            #expect(object["delta"] as? String == "")
            #expect(object["done"] as? Bool == true)
            #expect(object["done_reason"] as? String == "stop")
            #expect(object["cached"] as? Bool == false)
            let usage = try #require(object["usage"] as? [String: Any])
            #expect(usage["prompt_tokens"] as? Int == 5)
            #expect(usage["completion_tokens"] as? Int == 7)
            #expect(object["error"] == nil)
        }
    }

    @Test func intermediateChunkLeavesOutAbsentFields() throws {
        let text = Self.text(StreamFormat.ndjson.frame(Self.piece))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["id", "model", "delta", "done"])
        #expect(object["delta"] as? String == "Hello \"world\"\nnext line")
    }
}
