import Foundation
import SlipwayTestSupport
import Testing

extension ModelServeServer {
    /// The router reaches `/v1/generate` by other spellings too (it ignores empty segments); the
    /// key check and the rate limit must hold for every one of them, on both request paths.
    @Suite("every spelling of a keyed path is authorised")
    struct PathSpellingTests {
        static let spellings: [(path: String, body: String)] = [
            ("/v1/generate/", #"{"prompt": "hi"}"#),
            ("//v1/generate", #"{"prompt": "hi"}"#),
            ("/v1//generate", #"{"prompt": "hi"}"#),
            ("/v1/generate//", #"{"prompt": "hi"}"#),
            ("/v1//chat", #"{"messages": [{"role": "user", "content": "hi"}]}"#),
            ("/v1/chat/", #"{"messages": [{"role": "user", "content": "hi"}]}"#),
            ("//v1/embeddings", #"{"input": ["hi"]}"#),
            ("/v1/embeddings/", #"{"input": ["hi"]}"#),
            ("/v1/generate?x=1", #"{"prompt": "hi"}"#),
        ]

        static func request(_ path: String, body: String, key: String?) -> String {
            var text = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            if let key { text += "Authorization: Bearer \(key)\r\n" }
            return text + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        }

        @Test("401 without a key, 403 out of scope, 200 with one — inline and with --router-only", arguments: [false, true])
        func spellings(routerOnly: Bool) async throws {
            try await ServeFixture.with(serve: routerOnly ? ["--router-only"] : []) { fixture in
                try await fixture.waitUntilReady()
                let port = fixture.server.port
                for spelling in Self.spellings {
                    let none = try RawHTTPConnection.exchange(
                        port: port, sending: Self.request(spelling.path, body: spelling.body, key: nil), answers: 1
                    )[0]
                    #expect(none.status == 401, "\(spelling.path) without a key: \(none)")
                    let scoped = try RawHTTPConnection.exchange(
                        port: port, sending: Self.request(spelling.path, body: spelling.body, key: fixture.generateOnlyKey), answers: 1
                    )[0]
                    let isGenerate = spelling.path.contains("generate")
                    #expect(scoped.status == (isGenerate ? 200 : 403), "\(spelling.path) with a generate-only key: \(scoped)")
                    let good = try RawHTTPConnection.exchange(
                        port: port, sending: Self.request(spelling.path, body: spelling.body, key: fixture.fullKey), answers: 1
                    )[0]
                    #expect(good.status == 200, "\(spelling.path) with a key: \(good)")
                }
                // Counted under the route it reached, not as "unknown".
                let metrics = try await fixture.send(.GET, "/metrics").body
                #expect(metrics.contains(#"route="generate",status="401""#), "\(metrics.prefix(400))")
                #expect(!metrics.contains(#"route="unknown",status="200""#))
            }
        }

        @Test("the rate limit holds across spellings: one key's burst is spent whichever way the path is written")
        func rateLimitAcrossSpellings() async throws {
            try await ServeFixture.with(serve: ["--rate-limit", "0.01", "--rate-burst", "2"]) { fixture in
                try await fixture.waitUntilReady()
                let port = fixture.server.port
                var statuses: [Int] = []
                for path in ["/v1/generate", "/v1/generate/", "//v1/generate", "/v1//generate"] {
                    let answer = try RawHTTPConnection.exchange(
                        port: port, sending: Self.request(path, body: #"{"prompt": "hi"}"#, key: fixture.fullKey), answers: 1
                    )[0]
                    statuses.append(answer.status)
                }
                #expect(statuses == [200, 200, 429, 429])
            }
        }
    }
}
