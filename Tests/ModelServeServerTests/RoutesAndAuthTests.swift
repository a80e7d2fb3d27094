import AsyncHTTPClient
import Foundation
import SlipwayTestSupport
import Testing

extension ModelServeServer {
    @Suite("routes and API keys")
    struct RoutesAndAuthTests {
        static let bodies: [(path: String, scope: String, body: String)] = [
            ("/v1/generate", "generate", #"{"prompt": "Say hello."}"#),
            ("/v1/chat", "chat", #"{"messages": [{"role": "user", "content": "Say hello."}]}"#),
            ("/v1/embeddings", "embeddings", #"{"input": ["hello", "world"]}"#),
        ]

        @Test("every /v1 route: 401 without a key, with a malformed, unknown or revoked key; 403 out of scope; 200 with a good key")
        func keyedRoutes() async throws {
            try await ServeFixture.with { fixture in
                try await fixture.waitUntilReady()
                for route in Self.bodies {
                    let none = try await fixture.send(route.path, json: route.body)
                    #expect(none.status == 401, "\(route.path) without a key: \(none.body)")
                    #expect(none.errorCode == "unauthorized")
                    let malformed = try await fixture.send(route.path, json: route.body, headers: [("Authorization", "Basic abc")])
                    #expect(malformed.status == 401, "\(route.path) with Basic auth")
                    let unknown = try await fixture.send(route.path, key: "ms_" + String(repeating: "A", count: 43), json: route.body)
                    #expect(unknown.status == 401, "\(route.path) with an unknown key")
                    let revoked = try await fixture.send(route.path, key: fixture.revokedKey, json: route.body)
                    #expect(revoked.status == 401, "\(route.path) with a revoked key")
                    let scoped = try await fixture.send(route.path, key: fixture.generateOnlyKey, json: route.body)
                    #expect(scoped.status == (route.scope == "generate" ? 200 : 403), "\(route.path) with a generate-only key: \(scoped.body)")
                    if scoped.status == 403 { #expect(scoped.errorCode == "forbidden") }
                    let good = try await fixture.send(route.path, key: fixture.fullKey, json: route.body)
                    #expect(good.status == 200, "\(route.path): \(good.body)")
                }
            }
        }

        @Test("answers carry what each route promises, and the request id is echoed or made")
        func answers() async throws {
            try await ServeFixture.with { fixture in
                try await fixture.waitUntilReady()
                let generated = try await fixture.send(
                    "/v1/generate", key: fixture.fullKey, json: #"{"prompt": "Say hello.", "max_tokens": 5}"#,
                    headers: [("X-Request-ID", "trace-42")]
                )
                #expect(generated.header("X-Request-ID") == "trace-42")
                let body = try generated.json()
                #expect(body["id"] as? String == "trace-42")
                #expect(body["model"] as? String == "sim-small:latest")
                #expect((body["response"] as? String)?.isEmpty == false)
                #expect(body["done_reason"] as? String == "length")
                #expect((body["usage"] as? [String: Any])?["completion_tokens"] as? Int == 5)

                let chat = try await fixture.send("/v1/chat", key: fixture.fullKey, json: #"{"messages": [{"role": "user", "content": "hi"}]}"#)
                let message = try #require(try chat.json()["message"] as? [String: Any])
                #expect(message["role"] as? String == "assistant")
                #expect((message["content"] as? String)?.isEmpty == false)
                let made = try #require(chat.header("X-Request-ID"))
                #expect(made.count == 32 && made.allSatisfy(\.isHexDigit))

                let badID = try await fixture.send("/health", headers: [("X-Request-ID", "has spaces in it")])
                #expect(badID.header("X-Request-ID") != "has spaces in it")

                let embedded = try await fixture.send("/v1/embeddings", key: fixture.fullKey, json: #"{"input": ["a", "b"]}"#)
                #expect((try embedded.json()["embeddings"] as? [[Double]])?.count == 2)
            }
        }

        @Test("probes, metrics, version and the API description need no key")
        func publicRoutes() async throws {
            try await ServeFixture.with { fixture in
                try await fixture.waitUntilReady()
                let health = try await fixture.send(.GET, "/health")
                #expect(health.status == 200 && health.body.contains("ok"))
                let ready = try await fixture.send(.GET, "/ready")
                #expect(ready.status == 200)
                #expect(try ready.json()["status"] as? String == "ready")

                let version = try await fixture.send(.GET, "/version")
                let info = try version.json()
                #expect(info["release_id"] as? String == "rel-test")
                #expect(info["build_commit"] as? String == "abc1234")
                let model = try #require(info["model"] as? [String: Any])
                #expect(model["name"] as? String == "sim-small:latest")
                #expect((model["digest"] as? String)?.count == 64)

                let openapi = try await fixture.send(.GET, "/openapi.json")
                let paths = try #require(try openapi.json()["paths"] as? [String: Any])
                #expect(Set(paths.keys) == ["/v1/generate", "/v1/chat", "/v1/embeddings", "/health", "/ready", "/metrics", "/version", "/openapi.json"])

                _ = try await fixture.send("/v1/generate", key: fixture.fullKey, json: #"{"prompt": "x", "max_tokens": 3}"#)
                _ = try await fixture.send("/v1/generate", json: #"{"prompt": "x"}"#)
                let metrics = try await fixture.send(.GET, "/metrics")
                #expect(metrics.status == 200)
                #expect(metrics.header("Content-Type")?.hasPrefix("text/plain") == true)
                #expect(metrics.body.contains(#"modelserve_requests_total{route="generate",status="200",release="rel-test"} 1"#))
                #expect(metrics.body.contains(#"modelserve_requests_total{route="generate",status="401",release="rel-test"} 1"#))
                #expect(metrics.body.contains("modelserve_request_duration_seconds_bucket"))
                #expect(metrics.body.contains("modelserve_upstream_duration_seconds_bucket"))
                #expect(metrics.body.contains("modelserve_time_to_first_token_seconds_bucket"))
                #expect(metrics.body.contains(#"modelserve_tokens_per_second_count{release="rel-test"} 1"#))
                #expect(metrics.body.contains(#"modelserve_queue_depth{release="rel-test"}"#))
                #expect(metrics.body.contains("modelserve_upstream_healthy{"))

                let missing = try await fixture.send(.GET, "/v2/nothing")
                #expect(missing.status == 404)
                #expect(missing.errorCode == "not_found")
            }
        }

        @Test("the access log is JSON with request id, route, status, latency and key id, and holds no prompt or key")
        func accessLog() async throws {
            try await ServeFixture.with { fixture in
                try await fixture.waitUntilReady()
                let prompt = "a very secret prompt 7f3a"
                _ = try await fixture.send(
                    "/v1/generate", key: fixture.fullKey, json: #"{"prompt": "\#(prompt)", "max_tokens": 2}"#,
                    headers: [("X-Request-ID", "log-check-1")]
                )
                let logged = try await ServeFixture.eventually { fixture.server.output.contains("log-check-1") }
                #expect(logged)
                let output = fixture.server.output
                #expect(!output.contains(prompt))
                #expect(!output.contains(fixture.fullKey))
                let line = try #require(output.split(separator: "\n").first { $0.contains("log-check-1") })
                let entry = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                #expect(entry["route"] as? String == "generate")
                #expect(entry["status"] as? String == "200")
                #expect((entry["key_id"] as? String)?.hasPrefix("key_") == true)
                #expect(entry["latency_ms"] != nil && entry["ts"] != nil && entry["level"] as? String == "info")
            }
        }

        @Test("--log-prompts with --log-level debug logs prompts (and still never keys)")
        func promptsOnlyWhenAsked() async throws {
            try await ServeFixture.with(serve: ["--log-prompts", "--log-level", "debug"]) { fixture in
                let prompt = "a prompt the operator asked to see 91c2"
                _ = try await fixture.send("/v1/generate", key: fixture.fullKey, json: #"{"prompt": "\#(prompt)", "max_tokens": 2}"#)
                let logged = try await ServeFixture.eventually { fixture.server.output.contains(prompt) }
                #expect(logged)
                #expect(!fixture.server.output.contains(fixture.fullKey))
            }
        }
    }
}
