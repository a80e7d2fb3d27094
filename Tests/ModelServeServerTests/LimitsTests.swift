import Foundation
import SlipwayTestSupport
import Testing

extension ModelServeServer {
    @Suite("rate limits and backpressure")
    struct LimitsTests {
        @Test("a key over its rate limit gets 429 with Retry-After; another key is not affected")
        func rateLimit() async throws {
            try await ServeFixture.with(serve: ["--rate-limit", "0.2", "--rate-burst", "2"]) { fixture in
                let body = #"{"prompt": "x", "max_tokens": 1}"#
                #expect(try await fixture.send("/v1/generate", key: fixture.fullKey, json: body).status == 200)
                #expect(try await fixture.send("/v1/generate", key: fixture.fullKey, json: body).status == 200)
                let limited = try await fixture.send("/v1/generate", key: fixture.fullKey, json: body)
                #expect(limited.status == 429)
                #expect(limited.errorCode == "rate_limited")
                let retryAfter = try #require(limited.header("Retry-After").flatMap(Int.init))
                #expect((1...5).contains(retryAfter), "Retry-After \(retryAfter) for a rate of one per 5 s")
                let other = try await fixture.send("/v1/generate", key: fixture.generateOnlyKey, json: body)
                #expect(other.status == 200)
            }
        }

        @Test("beyond in-flight and queue bounds: 503 with Retry-After at once; a queued request gives up at its deadline; a slow upstream gets 504")
        func backpressure() async throws {
            // The upstream takes longer than any deadline here; the test waits on model-serve's own
            // gauges (not on sleeps) so a busy machine cannot reorder the three requests.
            try await ServeFixture.with(
                sims: [["--latency", "sim-small=30000"]],
                serve: ["--max-in-flight", "1", "--max-queue", "1", "--request-timeout", "6s"]
            ) { fixture in
                try await fixture.waitUntilReady()
                let body = #"{"prompt": "x", "max_tokens": 1}"#
                let key = fixture.fullKey
                async let first = fixture.send("/v1/generate", key: key, json: body)
                #expect(try await fixture.gaugeBecomes("modelserve_upstream_in_flight", 1), "the first request never went upstream")
                // A caller that will give up after 3 s says so; it must not wait in the queue longer.
                async let second = fixture.send("/v1/generate", key: key, json: body, headers: [("X-Request-Timeout", "3s")])
                #expect(try await fixture.gaugeBecomes("modelserve_queue_depth", 1), "the second request was never queued")

                let start = ContinuousClock.now
                let third = try await fixture.send("/v1/generate", key: key, json: body)
                let waited = ContinuousClock.now - start
                #expect(third.status == 503)
                #expect(third.errorCode == "overloaded")
                #expect(third.header("Retry-After") == "1")
                // Refused, not queued: a queued request would wait for a deadline of 6 s.
                #expect(waited < .seconds(3), "the refusal took \(waited)")
                let badTimeout = try await fixture.send("/v1/generate", key: key, json: body, headers: [("X-Request-Timeout", "soon")])
                #expect(badTimeout.status == 422)

                let (inFlight, queued) = try await (first, second)
                #expect(inFlight.status == 504, "\(inFlight.body)")
                #expect(inFlight.errorCode == "deadline_exceeded")
                #expect(queued.status == 503, "\(queued.body)")
                #expect(queued.errorCode == "queue_timeout")
                #expect(queued.header("Retry-After") == "1")

                let metrics = try await fixture.send(.GET, "/metrics")
                #expect(metrics.body.contains(#"modelserve_requests_total{route="generate",status="503",release="rel-test"} 2"#))
                #expect(metrics.body.contains(#"modelserve_queue_depth{release="rel-test"} 0"#))
            }
        }
    }
}
