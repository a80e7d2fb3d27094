import Foundation
import OllamaKit
import Testing

extension Ollama {
    /// Tags, show, ps, pull, create, delete and version against a real `ollama-sim`.
    @Suite struct ModelManagementTests {
        @Test func tagsListThePreloadedModelsWithDigests() async throws {
            try await SimulatorFixture.withSimulator(["--model", "extra:7b"]) { client, _ in
                let models = try await client.listModels().models
                #expect(models.map(\.name) == ["extra:7b", "sim-large:latest", "sim-small:latest"])
                for model in models {
                    #expect(model.digest.count == 64)
                    #expect(model.digest.allSatisfy { $0.isHexDigit })
                    #expect(model.size > 0)
                    #expect(model.details?.format == "gguf")
                }
            }
        }

        @Test func showDescribesAModelAndRejectsAMissingOne() async throws {
            try await SimulatorFixture.withSimulator { client, _ in
                let information = try await client.show(model: "sim-small")
                #expect(information.details?.family == "llama")
                #expect(information.details?.parameterSize == "1.2B")
                #expect(information.modelfile?.contains("FROM sim-small:latest") == true)
                #expect(information.capabilities == ["completion"])
                let error = await SimulatorFixture.ollamaError { _ = try await client.show(model: "absent") }
                #expect(error?.code == .modelNotFound)
                #expect(error?.status == 404)
                #expect(error?.message.contains("absent") == true)
            }
        }

        @Test func pullStreamsProgressAndAddsTheModel() async throws {
            try await SimulatorFixture.withSimulator { client, _ in
                let lines = try await SimulatorFixture.collect(client.pull(PullRequest(model: "fresh:3b")))
                #expect(lines.first?.status == "pulling manifest")
                #expect(lines.last?.isSuccess == true)
                let downloads = lines.filter { $0.total != nil }
                #expect(downloads.count >= 3)
                let completed = downloads.compactMap(\.completed)
                #expect(completed == completed.sorted())
                #expect(completed.last == downloads.last?.total)
                #expect(downloads.first?.digest?.hasPrefix("sha256:") == true)
                let models = try await client.listModels().models
                let pulled = try #require(models.first { $0.name == "fresh:3b" })
                #expect(downloads.first?.digest == "sha256:" + pulled.digest)
                #expect(try await client.generate(GenerateRequest(model: "fresh:3b", prompt: "hi")).done)
            }
        }

        @Test func createFromAModelfileThenDelete() async throws {
            try await SimulatorFixture.withSimulator { client, _ in
                let lines = try await SimulatorFixture.collect(client.create(CreateRequest(
                    model: "reviewer", modelfile: "FROM sim-small\nSYSTEM You review release notes.\n"
                )))
                #expect(lines.first?.status == "reading model metadata")
                #expect(lines.contains { $0.status == "creating system layer" })
                #expect(lines.last?.isSuccess == true)
                let information = try await client.show(model: "reviewer")
                #expect(information.system == "You review release notes.")
                #expect(information.details?.parentModel == "sim-small:latest")
                #expect(try await client.listModels().models.contains { $0.name == "reviewer:latest" })

                try await client.delete(model: "reviewer")
                #expect(try await client.listModels().models.contains { $0.name == "reviewer:latest" } == false)
                let again = await SimulatorFixture.ollamaError { try await client.delete(model: "reviewer") }
                #expect(again?.code == .modelNotFound)
                #expect(again?.status == 404)
            }
        }

        @Test func createFromAMissingBaseFails() async throws {
            try await SimulatorFixture.withSimulator { client, _ in
                let error = await SimulatorFixture.ollamaError {
                    _ = try await SimulatorFixture.collect(client.create(CreateRequest(model: "x", from: "nowhere")))
                }
                #expect(error?.code == .modelNotFound)
                #expect(error?.message.contains("nowhere") == true)
            }
        }

        @Test func versionIsTheSimulators() async throws {
            try await SimulatorFixture.withSimulator(["--reported-version", "0.9.1"]) { client, _ in
                let version = try await client.version()
                #expect(version == "0.9.1")
            }
        }
    }
}
