import Foundation
import OllamaKit
import Testing

extension Ollama {
    /// The types read and write the JSON Ollama itself sends and expects (samples from its API docs).
    @Suite struct WireFormatTests {
        @Test func decodesOllamasFinalGenerateLine() throws {
            let json = #"""
            {"model":"gemma3","created_at":"2025-10-17T23:14:07.414671Z","response":"Hello! How can I help you today?",
             "done":true,"done_reason":"stop","total_duration":174560334,"load_duration":101397084,
             "prompt_eval_count":11,"prompt_eval_duration":13074791,"eval_count":18,"eval_duration":52479709}
            """#
            let response = try OllamaJSON.decoder.decode(GenerateResponse.self, from: Data(json.utf8))
            #expect(response.doneReason == "stop")
            #expect(response.metrics == GenerationMetrics(
                totalDuration: 174_560_334, loadDuration: 101_397_084, promptEvalCount: 11,
                promptEvalDuration: 13_074_791, evalCount: 18, evalDuration: 52_479_709
            ))
            #expect(abs((response.metrics.tokensPerSecond ?? 0) - 18 / 0.052479709) < 1e-6)
        }

        @Test func decodesAStreamedChatLineWithoutMetrics() throws {
            let json = #"{"model":"llama3.2","created_at":"2023-08-04T08:52:19.385406455-07:00","message":{"role":"assistant","content":"The"},"done":false}"#
            let line = try OllamaJSON.decoder.decode(ChatResponse.self, from: Data(json.utf8))
            #expect(line.message == .assistant("The"))
            #expect(!line.done)
            #expect(line.metrics == GenerationMetrics())
        }

        @Test func encodesRequestsWithOllamasNames() throws {
            let encoder = OllamaJSON.encoder
            let request = GenerateRequest(
                model: "m", keepAlive: .duration("5m"), options: ModelOptions(temperature: 0, numPredict: 8, topK: 4)
            )
            let text = String(decoding: try encoder.encode(request), as: UTF8.self)
            #expect(text == #"{"keep_alive":"5m","model":"m","options":{"num_predict":8,"temperature":0,"top_k":4}}"#)
            let unload = String(decoding: try encoder.encode(GenerateRequest(model: "m", keepAlive: .unload)), as: UTF8.self)
            #expect(unload == #"{"keep_alive":0,"model":"m"}"#)
            let embed = try OllamaJSON.decoder.decode(EmbedRequest.self, from: Data(#"{"model":"e","input":"one"}"#.utf8))
            #expect(embed.input == ["one"])
        }

        @Test func decodesTagsAndPsAsOllamaSendsThem() throws {
            let tags = #"""
            {"models":[{"name":"deepseek-r1:latest","model":"deepseek-r1:latest","modified_at":"2025-05-10T08:06:48.639712648-07:00",
              "size":4683075271,"digest":"0a8c266910232fd3291e71e5ba1e058cc5af9d411192cf88b6d30e92b6e73163",
              "details":{"parent_model":"","format":"gguf","family":"qwen2","families":["qwen2"],"parameter_size":"7.6B","quantization_level":"Q4_K_M"}}]}
            """#
            let list = try OllamaJSON.decoder.decode(ModelList.self, from: Data(tags.utf8))
            #expect(list.models.first?.details?.parameterSize == "7.6B")
            #expect(list.models.first?.size == 4_683_075_271)
            let ps = #"{"models":[{"name":"mistral:latest","model":"mistral:latest","size":5137025024,"digest":"2ae6f6dd7a3dd734790bbbf58b8909a606e0e7e97e94b7604e0aa7ae4490e6d8","expires_at":"2024-06-04T14:38:31.83753-07:00","size_vram":5137025024}]}"#
            let running = try OllamaJSON.decoder.decode(RunningModels.self, from: Data(ps.utf8))
            #expect(running.models.first?.sizeVRAM == 5_137_025_024)
        }
    }
}
