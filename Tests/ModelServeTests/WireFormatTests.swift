import Foundation
import NIOCore
import NIOFoundationCompat
import OllamaKit
import Testing

@testable import ModelServe

/// The JSON written and read without Foundation's coders on the non-streamed hot path: the same
/// bytes as `JSONEncoder` (sorted keys) for what is written, the same values as `JSONDecoder` for
/// what is read, and a fallback (nil) for what the scanner does not handle.
@Suite struct WireFormatTests {
    /// Strings that need every kind of escaping, and some that need none.
    static let texts = [
        "", "plain words", "say \"hi\"", #"back\slash"#, "a/b </script>", "line\nbreak\r\ttab", "\u{08}\u{0C}\u{01}\u{1F}\u{7F}",
        "héllo wörld", "日本語のテキスト", "emoji 👩‍👩‍👧 and \u{10FFFF}", "\u{2028}\u{2029}", String(repeating: "long ", count: 400),
    ]

    static func encoded(_ value: some Encodable) throws -> String {
        String(decoding: try ModelServeService.encoder.encode(value), as: UTF8.self)
    }

    @Test("a completion is written as JSONEncoder writes it, generate and chat, cached or not")
    func completionMatchesEncoder() throws {
        for text in Self.texts {
            for route in [ServeRoute.generate, .chat] {
                for doneReason in [nil, "stop", "len\"gth"] {
                    let completion = Completion(
                        model: "sim-small:latest", text: text, doneReason: doneReason,
                        usage: .init(promptTokens: 12, completionTokens: 345_678)
                    )
                    let response = CompletionResponse(id: "req-\(text.count)", route: route, completion: completion, cached: text.isEmpty)
                    let written = String(buffer: response.jsonBuffer(allocator: ByteBufferAllocator()))
                    #expect(written == (try Self.encoded(response)), "\(route) \(text.debugDescription)")
                }
            }
        }
    }

    @Test("generate and chat request bodies are the bytes OllamaJSON.encoder writes")
    func requestBodiesMatchEncoder() throws {
        let optionSets: [ModelOptions?] = [
            nil, ModelOptions(),
            ModelOptions(temperature: 0.7, numPredict: 8),
            ModelOptions(temperature: 0, numPredict: 256, seed: -42, topK: 40, topP: 0.95, stop: ["\n\n", "User:"]),
            ModelOptions(temperature: 2, topP: 1e-05, minP: 0.05, numCtx: 4096, repeatPenalty: 1.1, stop: []),
        ]
        let encoder = OllamaJSON.encoder
        for options in optionSets {
            for text in Self.texts {
                for system in [nil, "be \"brief\"\n"] {
                    let written = OllamaWire.generateBody(
                        model: "sim-small:latest", prompt: text, system: system, options: options, allocator: ByteBufferAllocator()
                    )
                    let expected = try encoder.encode(GenerateRequest(
                        model: "sim-small:latest", prompt: text, system: system, stream: false, options: options
                    ))
                    #expect(String(buffer: written) == String(decoding: expected, as: UTF8.self))
                }
                let messages = [ChatBody.Message(role: "system", content: "rules/\\"), .init(role: "user", content: text)]
                let written = OllamaWire.chatBody(model: "m", messages: messages, options: options, allocator: ByteBufferAllocator())
                let expected = try encoder.encode(ChatRequest(
                    model: "m", messages: messages.map { ChatMessage(role: .init(rawValue: $0.role), content: $0.content) },
                    stream: false, options: options
                ))
                #expect(String(buffer: written) == String(decoding: expected, as: UTF8.self))
            }
        }
    }

    @Test("scanned answers hold what JSONDecoder reads, for generate and chat answers as Ollama writes them")
    func scannedAnswersMatchDecoder() throws {
        let encoder = OllamaJSON.encoder
        let metrics = GenerationMetrics(
            totalDuration: 123_456_789, loadDuration: 150_000, promptEvalCount: 5, promptEvalDuration: 1_000,
            evalCount: 8, evalDuration: 9_876_543
        )
        for text in Self.texts {
            let generate = GenerateResponse(
                model: "sim-small:latest", createdAt: "2026-11-23T10:00:00.123456Z", response: text, done: true,
                doneReason: "length", context: [1, 2, 3], metrics: metrics
            )
            let chat = ChatResponse(
                model: "sim-small:latest", createdAt: "2026-11-23T10:00:00Z", message: .assistant(text), done: true,
                doneReason: "stop", metrics: metrics
            )
            let generateBody = ByteBuffer(data: try encoder.encode(generate))
            let chatBody = ByteBuffer(data: try encoder.encode(chat))
            let scannedGenerate = try #require(OllamaWire.scanAnswer(generateBody), "\(text.debugDescription)")
            let scannedChat = try #require(OllamaWire.scanAnswer(chatBody), "\(text.debugDescription)")
            Self.expectSame(scannedGenerate, GenerationPiece(try OllamaJSON.decoder.decode(GenerateResponse.self, from: generateBody)))
            Self.expectSame(scannedChat, GenerationPiece(try OllamaJSON.decoder.decode(ChatResponse.self, from: chatBody)))
        }
    }

    @Test("escapes, whitespace, nulls and unknown values are read as JSONDecoder reads them")
    func escapesAndShapes() throws {
        let bodies = [
            #"{"model":"m","response":"a\"b\\c\/d\b\f\n\r\t\u00e9\u65e5\ud83d\ude00","done":true}"#,
            " {\n \"model\" : \"m\" ,\t\"done\" : false , \"response\" : \"x\" , \"done_reason\" : null , \"eval_count\" : null }\n",
            #"{"extra":{"nested":[1,-2.5e3,"s\"",{"k":[true,false,null]}],"e":{}},"model":"m","done":true,"context":[],"eval_count":-3}"#,
            #"{"model":"m","message":{"role":"assistant","content":"hi","images":null,"tool_calls":[]},"done":true,"done_reason":"stop"}"#,
            #"{"model":"m","done":true}"#,
            #"{"model":"m","message":null,"done":true}"#,
        ]
        for body in bodies {
            let buffer = ByteBuffer(string: body)
            let scanned = try #require(OllamaWire.scanAnswer(buffer), "\(body)")
            if body.contains("message") {
                Self.expectSame(scanned, GenerationPiece(try OllamaJSON.decoder.decode(ChatResponse.self, from: buffer)))
            } else {
                Self.expectSame(scanned, GenerationPiece(try OllamaJSON.decoder.decode(GenerateResponse.self, from: buffer)))
            }
        }
    }

    @Test("what the scanner does not handle is left to JSONDecoder (nil), garbage included")
    func unhandledShapesFallBack() {
        let bodies = [
            "<html>definitely not json</html>", "", "null", "[]", #"{"model":"m","done":true"#,
            #"{"model":"m","done":true} trailing"#, #"{"done":true}"#, #"{"model":"m"}"#,
            #"{"model":"m","done":true,"eval_count":1.5}"#, #"{"model":"m","done":true,"eval_count":1e3}"#,
            #"{"model":"m","done":true,"eval_count":99999999999999999999}"#, #"{"model":"m","done":"yes"}"#,
            #"{"model":"m","done":true,"response":"\ud83d"}"#, #"{"model":"m","done":true,"response":"\x"}"#,
            "{\"model\":\"m\",\"done\":true,\"response\":\"raw\nnewline\"}", #"{"model":"m","done":true,"message":{"content":"x"}}"#,
            #"{"mo\u0064el":"m","done":true}"#,
        ]
        for body in bodies {
            #expect(OllamaWire.scanAnswer(ByteBuffer(string: body)) == nil, "\(body)")
        }
        var invalidUTF8 = ByteBuffer(string: #"{"model":"m","done":true,"response":""#)
        invalidUTF8.writeBytes([0xC3, 0x28])
        invalidUTF8.writeString(#""}"#)
        #expect(OllamaWire.scanAnswer(invalidUTF8) == nil)
    }

    @Test("a body the scanner leaves is decoded, and one nothing can decode is a malformed-response error")
    func fallbackDecoding() throws {
        let decimal = ByteBuffer(string: #"{"model":"m","done":true,"response":"x","eval_count":8.0}"#)
        let piece = try OllamaWire.piece(of: decimal, decoding: GenerateResponse.self, route: "/api/generate", GenerationPiece.init)
        #expect(piece.text == "x" && piece.metrics.evalCount == 8)
        #expect(throws: OllamaError.self) {
            try OllamaWire.piece(
                of: ByteBuffer(string: "<html>"), decoding: GenerateResponse.self, route: "/api/generate", GenerationPiece.init
            )
        }
        do {
            _ = try OllamaWire.piece(of: ByteBuffer(string: "<html>"), decoding: ChatResponse.self, route: "/api/chat", GenerationPiece.init)
        } catch let error as OllamaError {
            #expect(error.code == .malformedResponse)
            #expect(error.route == "/api/chat")
        }
    }

    @Test("a generate request body is read as JSONDecoder reads it, or left to JSONDecoder")
    func generateBodies() throws {
        let read = [
            #"{"prompt":"x"}"#,
            #"{"model":"sim-small","prompt":"Say hello in three words.","stream":false,"max_tokens":8,"temperature":0.7}"#,
            " { \"prompt\" : \"a\\n\\\"b\\u00e9\" , \"system\" : \"s\", \"stream\": true, \"top_p\": 1e-2, \"top_k\": 40, \"seed\": -7 } ",
            #"{"prompt":"x","model":null,"system":null,"stream":null,"temperature":null,"max_tokens":null,"stop":null}"#,
            #"{"prompt":"x","stop":[],"temperature":0,"top_p":1.0,"extra":{"ignored":[1,2,{"a":null}]},"other":"x"}"#,
            #"{"prompt":"x","stop":["\n\n","User:"],"temperature":-0.5E+1,"max_tokens":0}"#,
        ]
        for body in read {
            let buffer = ByteBuffer(string: body)
            let scanned = try #require(GenerateBody.scanned(buffer), "\(body)")
            #expect(scanned == (try JSONDecoder().decode(GenerateBody.self, from: buffer)), "\(body)")
        }
        let left = [
            "", "{", #"{"prompt": "#, #"{"max_tokens": 5}"#, #"{"prompt": 5}"#, #"{"prompt": null}"#, #"{"prompt":"x","prompt":"y"}"#,
            #"{"prompt":"x","max_tokens":8.0}"#, #"{"prompt":"x","max_tokens":"8"}"#, #"{"prompt":"x","temperature":"hot"}"#,
            #"{"prompt":"x","temperature":1e999}"#, #"{"prompt":"x","temperature":01}"#, #"{"prompt":"x","temperature":.5}"#,
            #"{"prompt":"x","stream":"yes"}"#, #"{"prompt":"x","stop":"end"}"#, #"{"prompt":"x","stop":[1]}"#, #"["x"]"#,
            #"{"prompt":"x"} {}"#, #"{"pr\u006fmpt":"x"}"#,
        ]
        for body in left {
            #expect(GenerateBody.scanned(ByteBuffer(string: body)) == nil, "\(body)")
        }
    }

    static func expectSame(_ scanned: GenerationPiece, _ decoded: GenerationPiece) {
        #expect(scanned.text == decoded.text)
        #expect(scanned.done == decoded.done)
        #expect(scanned.doneReason == decoded.doneReason)
        #expect(scanned.metrics == decoded.metrics)
    }
}
