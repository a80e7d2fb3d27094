import AsyncHTTPClient
import Foundation
import OllamaKit
import SlipwayTestSupport
import Testing

extension Ollama {
    /// How the client fails: missing models, refused connections, odd answers, cancellation.
    @Suite struct ClientFailureTests {
        @Test func unknownModelIsModelNotFound() async throws {
            try await SimulatorFixture.withSimulator { client, _ in
                let error = await SimulatorFixture.ollamaError {
                    _ = try await client.generate(GenerateRequest(model: "llama9", prompt: "hi"))
                }
                #expect(error?.code == .modelNotFound)
                #expect(error?.status == 404)
                #expect(error?.message == "model \"llama9\" not found, try pulling it first")
                #expect(error?.isRetryable == false)
            }
        }

        @Test func refusedConnectionIsARetryableConnectionFailure() async throws {
            let refusing = try RefusingPort()
            let port = refusing.port
            try await HTTPClient.withHTTPClient(configuration: OllamaClient.httpClientConfiguration()) { http in
                let client = OllamaClient(baseURL: "http://127.0.0.1:\(port)", httpClient: http, timeout: .seconds(60))
                let error = await SimulatorFixture.ollamaError { _ = try await client.version() }
                #expect(error?.code == .connectionFailed)
                #expect(error?.isRetryable == true)
                #expect(error?.status == nil)
                let streamed = await SimulatorFixture.ollamaError {
                    _ = try await SimulatorFixture.collect(client.pull(PullRequest(model: "x")))
                }
                #expect(streamed?.code == .connectionFailed)
            }
            withExtendedLifetime(refusing) {}
        }

        @Test func aResponseThatIsNotOllamasIsMalformed() async throws {
            try await SimulatorFixture.withSimulator { client, process in
                // Every path lands on "/", which answers plain text, as a server that is not Ollama would.
                var other = client
                other.baseURL = "http://127.0.0.1:\(process.port)/?path="
                let error = await SimulatorFixture.ollamaError { _ = try await other.listModels() }
                #expect(error?.code == .malformedResponse)
                #expect(error?.isRetryable == false)
            }
        }

        @Test func cancellingAStreamStopsIt() async throws {
            // At least 29 tokens 400 ms apart: the whole stream takes 11 s or more, so even a busy
            // machine (one fresh-clone CI run finished a 3 s stream before the cancel landed)
            // cancels it long before its end.
            try await SimulatorFixture.withSimulator(["--token-delay-ms", "400", "--drift", "sim-small=length"]) { client, process in
                let received = Counter()
                let request = GenerateRequest(model: "sim-small", prompt: "a long answer please")
                let task = Task {
                    var sawDone = false
                    for try await line in client.generateStream(request) {
                        await received.increment()
                        sawDone = sawDone || line.done
                    }
                    return sawDone
                }
                while await received.value < 2 { try await Task.sleep(for: .milliseconds(10)) }
                task.cancel()
                let result = await task.result
                let count = await received.value
                #expect(count < 29)
                // A cancelled stream ends (quietly, as AsyncThrowingStream does) without its done line.
                #expect((try? result.get()) != true)
                // The upstream request was cancelled: the simulator saw its stream aborted, not completed.
                let statistics = try await SimulatorFixture.waitForStatistics(of: process) {
                    $0.abortedStreams + $0.completedStreams > 0
                }
                #expect(statistics.abortedStreams == 1)
                #expect(statistics.completedStreams == 0)
                #expect(statistics.activeStreams == 0)
                #expect(await received.value == count)
            }
        }

        @Test func breakingOutOfAStreamCancelsTheRequest() async throws {
            try await SimulatorFixture.withSimulator(["--token-delay-ms", "100", "--drift", "sim-small=length"]) { client, process in
                var first: GenerateResponse?
                for try await line in client.generateStream(GenerateRequest(model: "sim-small", prompt: "stop early")) {
                    first = line
                    break
                }
                #expect(first?.done == false)
                let statistics = try await SimulatorFixture.waitForStatistics(of: process) {
                    $0.abortedStreams + $0.completedStreams > 0
                }
                #expect(statistics == .init(requests: 1, activeStreams: 0, completedStreams: 0, abortedStreams: 1))
            }
        }
    }
}

/// A count shared between a test and the task it cancels.
actor Counter {
    private(set) var value = 0
    func increment() { value += 1 }
}
