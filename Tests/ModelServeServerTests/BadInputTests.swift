import AsyncHTTPClient
import Foundation
import SlipwayTestSupport
import Testing

extension ModelServeServer {
    @Suite("bad input")
    struct BadInputTests {
        @Test("422 names what is wrong: ranges, sizes, roles, missing fields, unknown model")
        func validation() async throws {
            try await ServeFixture.with(serve: ["--max-prompt-bytes", "64", "--max-tokens", "100", "--max-messages", "2"]) { fixture in
                let cases: [(String, String, [String])] = [
                    ("/v1/generate", #"{"prompt": "x", "temperature": 2.5}"#, ["temperature must be between 0 and 2"]),
                    ("/v1/generate", #"{"prompt": "x", "max_tokens": 101}"#, ["max_tokens must be between 1 and 100"]),
                    ("/v1/generate", #"{"prompt": "x", "top_p": 1.5, "top_k": 0}"#, ["top_p", "top_k"]),
                    ("/v1/generate", #"{"prompt": "\#(String(repeating: "a", count: 65))"}"#, ["at most 64 bytes"]),
                    ("/v1/generate", #"{"prompt": ""}"#, ["prompt must not be empty"]),
                    ("/v1/generate", #"{"max_tokens": 5}"#, ["prompt is required"]),
                    ("/v1/generate", #"{"prompt": 5}"#, ["prompt must be a string"]),
                    ("/v1/generate", #"{"prompt": "x", "model": "gpt-9", "temperature": 9}"#, [#"unknown model \"gpt-9\""#, "sim-small:latest", "temperature"]),
                    ("/v1/chat", #"{"messages": []}"#, ["at least one message"]),
                    ("/v1/chat", #"{"messages": [{"role": "robot", "content": "x"}]}"#, ["messages[0].role"]),
                    ("/v1/chat", #"{"messages": [{"role": "user"}]}"#, ["messages[0].content is required"]),
                    ("/v1/chat", #"{"messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}, {"role": "user", "content": "c"}]}"#, ["at most 2 messages"]),
                    ("/v1/embeddings", #"{"input": []}"#, ["at least one text"]),
                ]
                for (path, body, fragments) in cases {
                    let answer = try await fixture.send(path, key: fixture.fullKey, json: body)
                    #expect(answer.status == 422, "\(path) \(body): \(answer.status) \(answer.body)")
                    #expect(answer.errorCode == "validation_failed")
                    for fragment in fragments {
                        #expect(answer.body.contains(fragment), "\(path) \(body): \(answer.body) lacks \(fragment)")
                    }
                }
                let sims = try await ServeFixture.statistics(of: fixture.sims[0])
                #expect(sims.requests == 0, "a rejected request reached the upstream")
            }
        }

        @Test("400 for malformed JSON, 415 for another content type, 413 for an oversized body")
        func malformedRequests() async throws {
            try await ServeFixture.with(serve: ["--max-body-bytes", "2048"]) { fixture in
                let malformed = try await fixture.send("/v1/generate", key: fixture.fullKey, json: #"{"prompt": "#)
                #expect(malformed.status == 400)
                #expect(malformed.errorCode == "malformed_json")

                let text = try await fixture.send(
                    "/v1/generate", key: fixture.fullKey, json: #"{"prompt": "x"}"#, headers: [("Content-Type", "text/plain")]
                )
                #expect(text.status == 415)
                #expect(text.body.contains("application/json"))

                let big = #"{"prompt": "\#(String(repeating: "b", count: 4096))"}"#
                let oversized = try await fixture.send("/v1/generate", key: fixture.fullKey, json: big)
                #expect(oversized.status == 413)
                #expect(oversized.errorCode == "body_too_large")

                // The server is still healthy after all of that.
                let fine = try await fixture.send("/v1/generate", key: fixture.fullKey, json: #"{"prompt": "x", "max_tokens": 2}"#)
                #expect(fine.status == 200)
            }
        }

        @Test("bad settings stop the server with a message naming the flag and exit status 64")
        func badConfiguration() throws {
            let scratch = try TemporaryDirectory(prefix: "model-serve-config")
            let missingModel = try SlipwayBinary.run(
                ["serve", "--port", "0", "--keys-file", scratch.path("keys.json")], executable: "model-serve"
            )
            #expect(missingModel.status == 64)
            #expect(missingModel.stderr.contains("--model"))
            let badDuration = try SlipwayBinary.run(
                ["serve", "--model", "m", "--keys-file", scratch.path("keys.json"), "--request-timeout", "soon"],
                executable: "model-serve"
            )
            #expect(badDuration.status == 64)
            #expect(badDuration.stderr.contains("--request-timeout soon"))
            let badEnvironment = try SlipwayBinary.run(
                ["serve", "--model", "m", "--keys-file", scratch.path("keys.json")],
                environment: ["MODELSERVE_MAX_QUEUE": "lots"], executable: "model-serve"
            )
            #expect(badEnvironment.status == 64)
            #expect(badEnvironment.stderr.contains("MODELSERVE_MAX_QUEUE=lots"))
            #expect(!missingModel.stderr.contains("Fatal error") && !badEnvironment.stderr.contains("Fatal error"))
        }
    }
}
