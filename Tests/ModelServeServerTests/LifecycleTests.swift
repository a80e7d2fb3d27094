import Foundation
import ModelServe
import SlipwayTestSupport
import Testing

extension ModelServeServer {
    @Suite("lifecycle")
    struct LifecycleTests {
        @Test("SIGTERM: requests in flight finish, new connections are refused, the process exits 0")
        func gracefulShutdown() async throws {
            try await ServeFixture.with(sims: [["--latency", "sim-small=3000"]]) { fixture in
                try await fixture.waitUntilReady()
                async let inFlight = fixture.send("/v1/generate", key: fixture.fullKey, json: #"{"prompt": "x", "max_tokens": 2}"#)
                // SIGTERM once the request is upstream (model-serve's own gauge says so), however slow the machine.
                #expect(try await fixture.gaugeBecomes("modelserve_upstream_in_flight", 1), "the request never went upstream")
                let stopping = Task { await fixture.server.stop(grace: .seconds(10)) }
                let answer = try await inFlight
                #expect(answer.status == 200, "the request in flight was cut off: \(answer.body)")
                await stopping.value
                #expect(fixture.server.terminationStatus == 0, "\(fixture.server.output)")
                #expect(!BackgroundProcess.portAnswers(fixture.server.port))
                #expect(fixture.server.output.contains("shutting down"))
            }
        }

        @Test("keys added or revoked with `model-serve keys` while the server runs take effect without a restart")
        func keysFileIsReloaded() async throws {
            try await ServeFixture.with(serve: ["--keys-reload-interval", "100ms"]) { fixture in
                let added = try SlipwayBinary.run(
                    ["keys", "add", "late", "--file", fixture.keysFile, "--scopes", "generate"], executable: "model-serve"
                )
                let key = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                let body = #"{"prompt": "x", "max_tokens": 1}"#
                let accepted = try await ServeFixture.eventually {
                    try await fixture.send("/v1/generate", key: key, json: body).status == 200
                }
                #expect(accepted)
                let id = try #require(APIKeyStore(path: fixture.keysFile).list().first { $0.name == "late" }?.id)
                _ = try SlipwayBinary.run(["keys", "revoke", id, "--file", fixture.keysFile], executable: "model-serve")
                let refused = try await ServeFixture.eventually {
                    try await fixture.send("/v1/generate", key: key, json: body).status == 401
                }
                #expect(refused)
            }
        }
    }
}
