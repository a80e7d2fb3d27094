import OllamaKit
import Testing

extension Ollama {
    /// Generate, chat and embed against a real `ollama-sim`.
    @Suite struct GenerationTests {
        @Test func generateWithoutStreamingReturnsTextAndMetrics() async throws {
            try await SimulatorFixture.withSimulator { client, _ in
                let response = try await client.generate(GenerateRequest(
                    model: "sim-small", prompt: "Why is the sky blue?", options: ModelOptions(temperature: 0)
                ))
                #expect(response.model == "sim-small:latest")
                #expect(response.done)
                #expect(response.doneReason == "stop")
                let words = response.response.split(separator: " ")
                #expect(words.count >= 12)
                #expect(response.metrics.evalCount == words.count)
                #expect(response.metrics.promptEvalCount == 5)
                #expect((response.metrics.evalDuration ?? 0) > 0)
                #expect((response.metrics.totalDuration ?? 0) >= (response.metrics.evalDuration ?? 0))
                #expect(response.metrics.tokensPerSecond != nil)
                #expect(response.createdAt?.contains("T") == true)
            }
        }

        @Test func generateStreamsTokensThenADoneLineWithCounts() async throws {
            try await SimulatorFixture.withSimulator { client, process in
                let request = GenerateRequest(model: "sim-small", prompt: "Tell me a story")
                let whole = try await client.generate(request)
                let lines = try await SimulatorFixture.collect(client.generateStream(request))
                #expect(lines.count > 5)
                let tokens = lines.dropLast()
                #expect(tokens.allSatisfy { !$0.done && !$0.response.isEmpty })
                let last = try #require(lines.last)
                #expect(last.done)
                #expect(last.doneReason == "stop")
                #expect(last.metrics.evalCount == tokens.count)
                #expect((last.metrics.evalDuration ?? 0) > 0)
                #expect(tokens.map(\.response).joined() == whole.response)
                let statistics = try await SimulatorFixture.waitForStatistics(of: process) { $0.completedStreams == 1 }
                #expect(statistics == .init(requests: 2, activeStreams: 0, completedStreams: 1, abortedStreams: 0))
            }
        }

        @Test func numPredictCutsTheOutputWithReasonLength() async throws {
            try await SimulatorFixture.withSimulator { client, _ in
                let response = try await client.generate(GenerateRequest(
                    model: "sim-small", prompt: "Count", options: ModelOptions(numPredict: 3)
                ))
                #expect(response.metrics.evalCount == 3)
                #expect(response.doneReason == "length")
            }
        }

        @Test func outputIsDeterministicPerModelAndPrompt() async throws {
            try await SimulatorFixture.withSimulator { client, _ in
                func text(_ model: String, _ prompt: String) async throws -> String {
                    try await client.generate(GenerateRequest(model: model, prompt: prompt)).response
                }
                let first = try await text("sim-small", "hello there")
                #expect(try await text("sim-small", "hello there") == first)
                #expect(try await text("sim-small", "hello world") != first)
                #expect(try await text("sim-large", "hello there") != first)
            }
        }

        @Test func chatWithAndWithoutStreamingAgree() async throws {
            try await SimulatorFixture.withSimulator { client, _ in
                let request = ChatRequest(
                    model: "sim-large", messages: [.system("You are terse."), .user("What is a canary release?")]
                )
                let whole = try await client.chat(request)
                #expect(whole.message.role == .assistant)
                #expect(whole.done)
                #expect(!whole.message.content.isEmpty)
                let lines = try await SimulatorFixture.collect(client.chatStream(request))
                #expect(lines.count > 5)
                #expect(lines.last?.done == true)
                #expect(lines.last?.metrics.evalCount == lines.count - 1)
                #expect(lines.dropLast().map(\.message.content).joined() == whole.message.content)
                let other = try await client.chat(ChatRequest(model: "sim-large", messages: [.user("Something else")]))
                #expect(other.message.content != whole.message.content)
            }
        }

        @Test func embeddingsAreDeterministicUnitVectors() async throws {
            try await SimulatorFixture.withSimulator { client, _ in
                let request = EmbedRequest(model: "sim-small", input: ["first text", "second text"], dimensions: 32)
                let response = try await client.embed(request)
                #expect(response.embeddings.count == 2)
                #expect(response.embeddings.allSatisfy { $0.count == 32 })
                let norm = response.embeddings[0].reduce(0) { $0 + $1 * $1 }.squareRoot()
                #expect(abs(norm - 1) < 1e-9)
                #expect(response.embeddings[0] != response.embeddings[1])
                #expect(try await client.embed(request).embeddings == response.embeddings)
                #expect(response.promptEvalCount == 4)
            }
        }

        @Test func preloadLoadsAndKeepAliveZeroUnloads() async throws {
            try await SimulatorFixture.withSimulator { client, _ in
                #expect(try await client.runningModels().models.isEmpty)
                let loaded = try await client.preload(model: "sim-large", keepAlive: .duration("10m"))
                #expect(loaded.done)
                #expect(loaded.doneReason == "load")
                #expect(loaded.response.isEmpty)
                let running = try await client.runningModels().models
                #expect(running.map(\.name) == ["sim-large:latest"])
                #expect(running.first?.expiresAt != nil)
                #expect(running.first?.digest.count == 64)
                let unloaded = try await client.preload(model: "sim-large", keepAlive: .unload)
                #expect(unloaded.doneReason == "unload")
                #expect(try await client.runningModels().models.isEmpty)
            }
        }
    }
}
