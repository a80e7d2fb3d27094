import Foundation
import OllamaKit
import SlipwayTestSupport
import Testing

extension Ollama {
    /// Each fault `ollama-sim` injects, seen through the client.
    @Suite struct FaultTests {
        @Test func errorRateOneAnswersOllamasErrorBody() async throws {
            try await SimulatorFixture.withSimulator(["--error-rate", "sim-small=1"]) { client, _ in
                let error = await SimulatorFixture.ollamaError {
                    _ = try await client.generate(GenerateRequest(model: "sim-small", prompt: "hi"))
                }
                #expect(error?.code == .serverError)
                #expect(error?.status == 500)
                #expect(error?.message.contains("injected failure for model \"sim-small:latest\"") == true)
                #expect(error?.isRetryable == false)
                #expect(error?.route == "/api/generate")
                let streamed = await SimulatorFixture.ollamaError {
                    _ = try await SimulatorFixture.collect(client.chatStream(ChatRequest(model: "sim-small", messages: [.user("hi")])))
                }
                #expect(streamed?.status == 500)
                // The fault is per model: the other one still answers.
                let other = try await client.generate(GenerateRequest(model: "sim-large", prompt: "hi"))
                #expect(other.done)
            }
        }

        @Test func aModelCreatedFromAFaultyBaseInheritsItsFaultsAndAnswersWithItsWords() async throws {
            try await SimulatorFixture.withSimulator(["--model", "sim-flaky", "--error-rate", "sim-flaky=1"]) { client, _ in
                _ = try await SimulatorFixture.collect(client.create(CreateRequest(model: "derived-flaky", from: "sim-flaky")))
                let error = await SimulatorFixture.ollamaError {
                    _ = try await client.generate(GenerateRequest(model: "derived-flaky", prompt: "hi"))
                }
                #expect(error?.status == 500)
                #expect(error?.message.contains("injected failure for model \"derived-flaky:latest\"") == true)
                // A model built from a healthy base is healthy, and says what its base says.
                _ = try await SimulatorFixture.collect(client.create(CreateRequest(model: "derived-small", from: "sim-small")))
                let derived = try await client.generate(GenerateRequest(model: "derived-small", prompt: "hi"))
                let base = try await client.generate(GenerateRequest(model: "sim-small", prompt: "hi"))
                let other = try await client.generate(GenerateRequest(model: "sim-large", prompt: "hi"))
                #expect(derived.response == base.response)
                #expect(derived.response != other.response)
            }
        }

        @Test func fullQueueIsARetryableServerBusy() async throws {
            try await SimulatorFixture.withSimulator(["--queue-full", "*"]) { client, _ in
                let error = await SimulatorFixture.ollamaError {
                    _ = try await client.generate(GenerateRequest(model: "sim-large", prompt: "hi"))
                }
                #expect(error?.code == .serverBusy)
                #expect(error?.status == 503)
                #expect(error?.isRetryable == true)
                #expect(error?.message.contains("server busy") == true)
            }
        }

        @Test func latencyBeyondTheCallTimeoutIsATimeout() async throws {
            try await SimulatorFixture.withSimulator(["--latency", "sim-small=3000", "--jitter", "sim-small=100"]) { client, _ in
                let error = await SimulatorFixture.ollamaError {
                    _ = try await client.generate(GenerateRequest(model: "sim-small", prompt: "hi"), timeout: .milliseconds(300))
                }
                #expect(error?.code == .timeout)
                #expect(error?.isRetryable == true)
                let streamError = await SimulatorFixture.ollamaError {
                    _ = try await SimulatorFixture.collect(
                        client.generateStream(GenerateRequest(model: "sim-small", prompt: "hi"), timeout: .milliseconds(300))
                    )
                }
                #expect(streamError?.code == .timeout)
            }
        }

        @Test func latencyWithinTheTimeoutOnlySlowsTheAnswer() async throws {
            try await SimulatorFixture.withSimulator(["--latency", "sim-small=300"]) { client, _ in
                let start = ContinuousClock.now
                let response = try await client.generate(GenerateRequest(model: "sim-small", prompt: "hi"), timeout: .seconds(10))
                #expect(response.done)
                #expect(ContinuousClock.now - start >= .milliseconds(300))
            }
        }

        @Test func slowFirstTokenDelaysOnlyTheFirstChunk() async throws {
            try await SimulatorFixture.withSimulator(["--slow-first-token", "sim-small=400"]) { client, _ in
                let start = ContinuousClock.now
                var arrivals: [Duration] = []
                var last: GenerateResponse?
                for try await line in client.generateStream(GenerateRequest(model: "sim-small", prompt: "hi")) {
                    arrivals.append(ContinuousClock.now - start)
                    last = line
                }
                #expect(arrivals.count > 5)
                #expect(arrivals[0] >= .milliseconds(400))
                // The simulator reports the wait as prompt evaluation, not as token generation.
                let metrics = try #require(last?.metrics)
                #expect((metrics.promptEvalDuration ?? 0) >= 400_000_000)
                #expect((metrics.evalDuration ?? .max) < 400_000_000)
            }
        }

        @Test func driftChangesLengthOrWording() async throws {
            let request = GenerateRequest(model: "sim-small", prompt: "Summarise the release")
            let plain = try await SimulatorFixture.withSimulator { client, _ in try await client.generate(request) }
            let (long, other) = try await SimulatorFixture.withSimulator(["--drift", "sim-small=length"]) { client, _ in
                (try await client.generate(request), try await client.generate(GenerateRequest(model: "sim-large", prompt: "x")))
            }
            #expect((long.metrics.evalCount ?? 0) > (plain.metrics.evalCount ?? 0) * 2)
            #expect(long.response.hasPrefix(String(plain.response.dropLast())))
            let reworded = try await SimulatorFixture.withSimulator(["--drift", "sim-small=wording"]) { client, _ in
                try await client.generate(request)
            }
            #expect(reworded.response != plain.response)
            // Undrifted models answer as before.
            let otherPlain = try await SimulatorFixture.withSimulator { client, _ in
                try await client.generate(GenerateRequest(model: "sim-large", prompt: "x"))
            }
            #expect(other.response == otherPlain.response)
        }

        @Test func faultsFileAppliesPerModelAndToEveryModel() async throws {
            let directory = try TemporaryDirectory(prefix: "ollama-faults")
            let path = directory.path("faults.json")
            try Data(#"{"sim-large": {"queueFull": true}, "*": {"errorRate": 0}}"#.utf8).write(to: URL(fileURLWithPath: path))
            try await SimulatorFixture.withSimulator(["--faults", path]) { client, _ in
                let error = await SimulatorFixture.ollamaError {
                    _ = try await client.embed(EmbedRequest(model: "sim-large", input: ["a"]))
                }
                #expect(error?.code == .serverBusy)
                let embedded = try await client.embed(EmbedRequest(model: "sim-small", input: ["a"]))
                #expect(embedded.embeddings.count == 1)
            }
        }
    }
}
