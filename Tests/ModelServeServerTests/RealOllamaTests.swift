import AsyncHTTPClient
import Foundation
import ModelServe
import NIOCore
import OllamaKit
import SlipwayTestSupport
import Testing

/// Where a real Ollama is, for the tests that run against one: `SLIPWAY_TEST_OLLAMA_URL`
/// (e.g. `http://127.0.0.1:11434`) and `SLIPWAY_TEST_OLLAMA_MODEL`, a model it has pulled (e.g.
/// `llama3.2:1b`). Unset (as on machines without Ollama, and in CI here), they do not run; the
/// rest of the suite uses ollama-sim. Pointed at an ollama-sim they pass too (it speaks the same API).
enum RealOllama {
    static var url: String? { ProcessInfo.processInfo.environment["SLIPWAY_TEST_OLLAMA_URL"].flatMap { $0.isEmpty ? nil : $0 } }
    static var model: String { ProcessInfo.processInfo.environment["SLIPWAY_TEST_OLLAMA_MODEL"] ?? "llama3.2:1b" }
}

extension ModelServeServer {
    @Suite("against a real Ollama (SLIPWAY_TEST_OLLAMA_URL)", .enabled(if: RealOllama.url != nil))
    struct RealOllamaTests {
        @Test("OllamaKit: version, the model listed and shown, generate and chat whole and streamed")
        func ollamaKitCalls() async throws {
            let url = try #require(RealOllama.url)
            let model = RealOllama.model
            try await HTTPClient.withHTTPClient(configuration: OllamaClient.httpClientConfiguration()) { http in
                let client = OllamaClient(baseURL: url, httpClient: http, timeout: .seconds(120))
                #expect(!(try await client.version()).isEmpty)
                let listed = try await client.listModels().models.map { OllamaModelName.normalized($0.name) }
                #expect(listed.contains(OllamaModelName.normalized(model)), "\(model) is not pulled there: \(listed)")
                _ = try await client.show(model: model)

                let options = ModelOptions(temperature: 0, numPredict: 8)
                let whole = try await client.generate(GenerateRequest(model: model, prompt: "Say hello.", options: options))
                #expect(whole.done && !whole.response.isEmpty)
                #expect((whole.metrics.evalCount ?? 0) > 0)

                var pieces = 0
                var last: GenerateResponse?
                for try await piece in client.generateStream(GenerateRequest(model: model, prompt: "Count to three.", options: options)) {
                    pieces += 1
                    last = piece
                }
                #expect(pieces > 1 && last?.done == true)

                let chat = try await client.chat(ChatRequest(
                    model: model, messages: [ChatMessage(role: "user", content: "Say hi.")], options: options
                ))
                #expect(chat.done && !chat.message.content.isEmpty)
            }
        }

        @Test("model-serve in front of it: ready, generate and chat answered with the model's text")
        func modelServeInFront() async throws {
            let url = try #require(RealOllama.url)
            let scratch = try TemporaryDirectory(prefix: "real-ollama")
            let keysFile = scratch.path("keys.json")
            let key = try APIKeyStore(path: keysFile).create(name: "real", scopes: ["*"]).plaintextKey
            try await BackgroundProcess.withProcess(
                executable: try BuiltExecutable.path(named: "model-serve"),
                arguments: ["serve", "--port", "0", "--ollama", url, "--model", RealOllama.model, "--keys-file", keysFile,
                            "--release-id", "real", "--health-interval", "500ms"]
            ) { server in
                let base = "http://127.0.0.1:\(server.port)"
                let ready = try await ServeFixture.eventually(within: .seconds(30)) {
                    try await ServeFixture.send(.GET, base + "/ready").status == 200
                }
                #expect(ready, "model-serve never became ready: \(server.output)")
                let generate = try await ServeFixture.send(
                    .POST, base + "/v1/generate", key: key, json: #"{"prompt": "Say hello.", "temperature": 0, "max_tokens": 8}"#,
                    timeout: .seconds(120)
                )
                #expect(generate.status == 200, "\(generate.body)")
                #expect((try generate.json()["response"] as? String)?.isEmpty == false)
                let chat = try await ServeFixture.send(
                    .POST, base + "/v1/chat", key: key,
                    json: #"{"messages": [{"role": "user", "content": "Say hi."}], "max_tokens": 8}"#, timeout: .seconds(120)
                )
                #expect(chat.status == 200, "\(chat.body)")
            }
        }
    }
}
