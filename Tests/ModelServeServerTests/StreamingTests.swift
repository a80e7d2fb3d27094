import AsyncHTTPClient
import Foundation
import NIOCore
import SlipwayTestSupport
import Testing

extension ModelServeServer {
    @Suite("streaming")
    struct StreamingTests {
        static func lines(_ text: String) throws -> [[String: Any]] {
            try text.split(separator: "\n").map { line in
                try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            }
        }

        @Test("stream: true answers NDJSON by default and server-sent events when asked; both spell the whole answer")
        func ndjsonAndServerSentEvents() async throws {
            try await ServeFixture.with { fixture in
                let request = #"{"prompt": "Tell me about releases.", "max_tokens": 12, "temperature": 0.5, "seed": 1}"#
                let whole = try await fixture.send("/v1/generate", key: fixture.fullKey, json: request)
                let text = try #require(try whole.json()["response"] as? String)

                let streamedRequest = #"{"prompt": "Tell me about releases.", "max_tokens": 12, "temperature": 0.5, "seed": 1, "stream": true}"#
                let ndjson = try await fixture.send("/v1/generate", key: fixture.fullKey, json: streamedRequest)
                #expect(ndjson.status == 200)
                #expect(ndjson.header("Content-Type") == "application/x-ndjson")
                let chunks = try Self.lines(ndjson.body)
                #expect(chunks.count > 2)
                #expect(chunks.dropLast().allSatisfy { $0["done"] as? Bool == false })
                let last = try #require(chunks.last)
                #expect(last["done"] as? Bool == true)
                #expect(last["done_reason"] as? String == "length")
                #expect((last["usage"] as? [String: Any])?["completion_tokens"] as? Int == 12)
                #expect(chunks.map { $0["delta"] as? String ?? "" }.joined() == text)

                let sse = try await fixture.send(
                    "/v1/chat", key: fixture.fullKey,
                    json: #"{"messages": [{"role": "user", "content": "hi"}], "max_tokens": 6, "stream": true}"#,
                    headers: [("Accept", "text/event-stream")]
                )
                #expect(sse.header("Content-Type") == "text/event-stream")
                let events = sse.body.components(separatedBy: "\n\n").filter { !$0.isEmpty }
                #expect(events.count >= 2)
                #expect(events.allSatisfy { $0.hasPrefix("data: {") })
                let final = try #require(try JSONSerialization.jsonObject(with: Data(events.last!.dropFirst(6).utf8)) as? [String: Any])
                #expect(final["done"] as? Bool == true)
            }
        }

        @Test("a client that leaves mid-stream cancels the upstream stream")
        func disconnectCancelsUpstream() async throws {
            try await ServeFixture.with(sims: [["--token-delay-ms", "40"]]) { fixture in
                var request = HTTPClientRequest(url: fixture.baseURL + "/v1/generate")
                request.method = .POST
                request.headers.add(name: "Authorization", value: "Bearer \(fixture.fullKey)")
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: #"{"prompt": "go on and on", "max_tokens": 2000, "stream": true}"#))
                let reader = Task {
                    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                    var received = 0
                    for try await piece in response.body {
                        received += piece.readableBytes
                        if received > 200 { break }
                    }
                    return received
                }
                let received = try await reader.value
                #expect(received > 200)
                let sim = fixture.sims[0]
                let aborted = try await ServeFixture.eventually {
                    let stats = try await ServeFixture.statistics(of: sim)
                    return stats.abortedStreams == 1 && stats.activeStreams == 0
                }
                let seen = try await ServeFixture.statistics(of: sim)
                #expect(aborted, "the upstream stream was not cancelled: \(seen)")
                // The slot was given back: the next request goes through at once.
                let next = try await fixture.send("/v1/generate", key: fixture.fullKey, json: #"{"prompt": "x", "max_tokens": 2}"#)
                #expect(next.status == 200)
            }
        }

        @Test("an upstream that fails before the first token gets a proper status, not a broken stream")
        func upstreamFailureBeforeFirstToken() async throws {
            try await ServeFixture.with(sims: [["--error-rate", "sim-small=1"]]) { fixture in
                let answer = try await fixture.send(
                    "/v1/generate", key: fixture.fullKey, json: #"{"prompt": "x", "stream": true}"#
                )
                #expect(answer.status == 502)
                #expect(answer.errorCode == "upstream_error")
            }
        }
    }
}
