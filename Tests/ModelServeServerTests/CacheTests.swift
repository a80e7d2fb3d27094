import Foundation
import SlipwayTestSupport
import Testing

extension ModelServeServer {
    @Suite("response cache")
    struct CacheTests {
        @Test("a repeated temperature-0 request is answered from the cache, counted in metrics; other requests are not")
        func deterministicRequestsAreCached() async throws {
            try await ServeFixture.with { fixture in
                let body = #"{"prompt": "What is a canary?", "temperature": 0, "max_tokens": 8}"#
                let first = try await fixture.send("/v1/generate", key: fixture.fullKey, json: body)
                let second = try await fixture.send("/v1/generate", key: fixture.fullKey, json: body)
                #expect(try first.json()["cached"] as? Bool == false)
                #expect(try second.json()["cached"] as? Bool == true)
                #expect(try first.json()["response"] as? String == second.json()["response"] as? String)

                let streamed = try await fixture.send(
                    "/v1/generate", key: fixture.fullKey,
                    json: #"{"prompt": "What is a canary?", "temperature": 0, "max_tokens": 8, "stream": true}"#
                )
                #expect(streamed.body.contains(#""cached":true"#))

                let other = #"{"prompt": "What is a canary?", "temperature": 0.7, "max_tokens": 8}"#
                _ = try await fixture.send("/v1/generate", key: fixture.fullKey, json: other)
                let again = try await fixture.send("/v1/generate", key: fixture.fullKey, json: other)
                #expect(try again.json()["cached"] as? Bool == false)

                #expect(try await ServeFixture.statistics(of: fixture.sims[0]).requests == 3)
                let metrics = try await fixture.send(.GET, "/metrics").body
                #expect(metrics.contains(#"modelserve_cache_hits_total{release="rel-test"} 2"#))
                #expect(metrics.contains(#"modelserve_cache_misses_total{release="rel-test"} 1"#))
            }
        }

        @Test("each API key has its own cached answers; --cache-scope shared lets every key share them", arguments: [false, true])
        func cacheIsPerKey(shared: Bool) async throws {
            try await ServeFixture.with(serve: shared ? ["--cache-scope", "shared"] : []) { fixture in
                try await fixture.waitUntilReady()
                let body = #"{"prompt": "Whose answer is this?", "temperature": 0, "max_tokens": 6}"#
                let mine = try await fixture.send("/v1/generate", key: fixture.fullKey, json: body)
                #expect(try mine.json()["cached"] as? Bool == false)
                let theirs = try await fixture.send("/v1/generate", key: fixture.generateOnlyKey, json: body)
                #expect(try theirs.json()["cached"] as? Bool == shared, "another key's request: \(theirs.body)")
                let mineAgain = try await fixture.send("/v1/generate", key: fixture.fullKey, json: body)
                #expect(try mineAgain.json()["cached"] as? Bool == true)
                #expect(try await ServeFixture.statistics(of: fixture.sims[0]).requests == (shared ? 1 : 2))
            }
        }

        @Test("--cache-entries 0 turns the cache off")
        func cacheOff() async throws {
            try await ServeFixture.with(serve: ["--cache-entries", "0"]) { fixture in
                let body = #"{"prompt": "What is a canary?", "temperature": 0, "max_tokens": 4}"#
                _ = try await fixture.send("/v1/generate", key: fixture.fullKey, json: body)
                let second = try await fixture.send("/v1/generate", key: fixture.fullKey, json: body)
                #expect(try second.json()["cached"] as? Bool == false)
                #expect(try await ServeFixture.statistics(of: fixture.sims[0]).requests == 2)
            }
        }
    }
}
