import Foundation
import Testing

@testable import ModelServe

/// Request bodies: the limits each one is checked against, and the messages a body that does not
/// decode is answered with.
@Suite struct RequestValidationTests {
    static func decode<Body: Decodable>(_ type: Body.Type, _ json: String) throws -> Body {
        try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    /// The APIError a body that does not decode as `type` is answered with.
    static func problem<Body: Decodable>(decoding json: String, as type: Body.Type) -> APIError? {
        do {
            _ = try decode(type, json)
            return nil
        } catch let error as DecodingError {
            return RequestDecoding.problem(error)
        } catch {
            Issue.record("not a DecodingError: \(error)")
            return nil
        }
    }

    // MARK: - Sampling parameters

    @Test func temperatureMustBeWithinZeroToTwo() {
        let limits = RequestLimits()
        for ok in [0.0, 0.7, 2.0] {
            #expect(SamplingParameters(temperature: ok).problems(limits: limits).isEmpty, "temperature \(ok)")
        }
        for bad in [-0.1, 2.01, 5] {
            let problems = SamplingParameters(temperature: bad).problems(limits: limits)
            #expect(problems == ["temperature must be between 0 and 2 (got \(bad))"])
        }
    }

    @Test func maxTokensMustBeWithinTheLimit() {
        var limits = RequestLimits()
        limits.maxTokens = 100
        #expect(SamplingParameters(maxTokens: 100).problems(limits: limits).isEmpty)
        #expect(SamplingParameters(maxTokens: 1).problems(limits: limits).isEmpty)
        #expect(SamplingParameters(maxTokens: 101).problems(limits: limits) == ["max_tokens must be between 1 and 100 (got 101)"])
        #expect(SamplingParameters(maxTokens: 0).problems(limits: limits) == ["max_tokens must be between 1 and 100 (got 0)"])
    }

    @Test func otherSamplingBounds() {
        var limits = RequestLimits()
        limits.maxStopSequences = 2
        let problems = SamplingParameters(topP: 1.5, topK: 0, stop: ["a", "b", "c"]).problems(limits: limits)
        #expect(problems.count == 3)
        #expect(problems.contains { $0.hasPrefix("top_p ") })
        #expect(problems.contains { $0.hasPrefix("top_k ") })
        #expect(problems.contains("stop may hold at most 2 sequences (got 3)"))
        #expect(SamplingParameters(topP: 1, topK: 1000, stop: ["a", "b"]).problems(limits: limits).isEmpty)
    }

    @Test func samplingParametersDecodeFlatFromTheBody() throws {
        let body = try Self.decode(
            GenerateBody.self,
            #"{"prompt":"hi","temperature":0.5,"max_tokens":12,"top_p":0.9,"top_k":40,"seed":7,"stop":["\n"]}"#
        )
        #expect(body.sampling == SamplingParameters(temperature: 0.5, maxTokens: 12, topP: 0.9, topK: 40, seed: 7, stop: ["\n"]))
    }

    // MARK: - Generate

    @Test func validGenerateBodyHasNoProblems() {
        #expect(GenerateBody(prompt: "Why is the sky blue?", system: "Be brief.").problems(limits: RequestLimits()).isEmpty)
    }

    @Test func emptyPromptIsAProblem() {
        #expect(GenerateBody(prompt: "").problems(limits: RequestLimits()) == ["prompt must not be empty"])
    }

    @Test func oversizedPromptIsAProblemCountedInUTF8Bytes() {
        var limits = RequestLimits()
        limits.maxPromptBytes = 10
        #expect(GenerateBody(prompt: String(repeating: "a", count: 10)).problems(limits: limits).isEmpty)
        #expect(
            GenerateBody(prompt: String(repeating: "a", count: 11)).problems(limits: limits)
                == ["prompt and system together may be at most 10 bytes (got 11)"]
        )
        // Five characters, ten bytes: at the limit, not over it.
        #expect(GenerateBody(prompt: "ééééé").problems(limits: limits).isEmpty)
        #expect(GenerateBody(prompt: "éééééé").problems(limits: limits).count == 1)
        // The system text counts too.
        #expect(
            GenerateBody(prompt: "aaaaaa", system: "bbbbbb").problems(limits: limits)
                == ["prompt and system together may be at most 10 bytes (got 12)"]
        )
    }

    @Test func generateProblemsIncludeSamplingProblems() {
        let body = GenerateBody(prompt: "", sampling: SamplingParameters(temperature: 3, maxTokens: 1_000_000))
        let problems = body.problems(limits: RequestLimits())
        #expect(problems.count == 3)
        #expect(problems.first == "prompt must not be empty")
        #expect(problems.contains { $0.hasPrefix("temperature ") })
        #expect(problems.contains { $0.hasPrefix("max_tokens ") })
    }

    // MARK: - Chat

    @Test func validChatBodyHasNoProblems() {
        let body = ChatBody(messages: [
            .init(role: "system", content: "s"), .init(role: "user", content: "u"),
            .init(role: "assistant", content: "a"), .init(role: "tool", content: "t"),
        ])
        #expect(body.problems(limits: RequestLimits()).isEmpty)
    }

    @Test func tooManyOrNoMessagesIsAProblem() {
        var limits = RequestLimits()
        limits.maxMessages = 2
        let three = ChatBody(messages: Array(repeating: .init(role: "user", content: "x"), count: 3))
        #expect(three.problems(limits: limits) == ["messages may hold at most 2 messages (got 3)"])
        #expect(ChatBody(messages: []).problems(limits: limits) == ["messages must hold at least one message"])
    }

    @Test func unknownRoleIsNamedWithItsIndex() {
        let body = ChatBody(messages: [.init(role: "user", content: "x"), .init(role: "robot", content: "y")])
        #expect(
            body.problems(limits: RequestLimits())
                == [#"messages[1].role must be system, user, assistant or tool (got "robot")"#]
        )
    }

    @Test func oversizedConversationIsAProblem() {
        var limits = RequestLimits()
        limits.maxMessageBytes = 8
        let body = ChatBody(messages: [.init(role: "user", content: "hello"), .init(role: "assistant", content: "world")])
        #expect(body.problems(limits: limits) == ["messages together may be at most 8 bytes of content (got 10)"])
    }

    // MARK: - Embeddings

    @Test func embeddingsInputMayBeASingleString() throws {
        let body = try Self.decode(EmbeddingsBody.self, #"{"model":"m","input":"hello"}"#)
        #expect(body.input == ["hello"])
        #expect(body.model == "m")
        #expect(body.problems(limits: RequestLimits()).isEmpty)
    }

    @Test func embeddingsInputMayBeAnArray() throws {
        let body = try Self.decode(EmbeddingsBody.self, #"{"input":["a","b","c"]}"#)
        #expect(body.input == ["a", "b", "c"])
        #expect(body.model == nil)
        #expect(body.problems(limits: RequestLimits()).isEmpty)
    }

    @Test func tooManyOrNoEmbeddingInputsIsAProblem() throws {
        var limits = RequestLimits()
        limits.maxEmbeddingInputs = 2
        #expect(EmbeddingsBody(input: ["a", "b", "c"]).problems(limits: limits) == ["input may hold at most 2 texts (got 3)"])
        #expect(EmbeddingsBody(input: ["a", "b"]).problems(limits: limits).isEmpty)
        let empty = try Self.decode(EmbeddingsBody.self, #"{"input":[]}"#)
        #expect(empty.problems(limits: limits) == ["input must hold at least one text"])
    }

    @Test func oversizedEmbeddingInputIsNamedByIndex() {
        var limits = RequestLimits()
        limits.maxPromptBytes = 4
        #expect(EmbeddingsBody(input: ["abcd", "abcde"]).problems(limits: limits) == ["input[1] may be at most 4 bytes (got 5)"])
    }

    @Test func embeddingsInputOfTheWrongTypeNamesInput() throws {
        let problem = try #require(Self.problem(decoding: #"{"input":5}"#, as: EmbeddingsBody.self))
        #expect(problem.status.code == 422)
        #expect(problem.message.hasPrefix("input must be"))
        let missing = try #require(Self.problem(decoding: #"{"model":"m"}"#, as: EmbeddingsBody.self))
        #expect(missing.message == "input is required")
    }

    // MARK: - Decoding problems

    @Test func malformedJSONIs400() throws {
        for json in ["{ not json", #"{"prompt": "unterminated"#, ""] {
            let problem = try #require(Self.problem(decoding: json, as: GenerateBody.self), "\(json)")
            #expect(problem.status.code == 400)
            #expect(problem.code == "malformed_json")
            #expect(problem.message.hasPrefix("the request body is not valid JSON"))
        }
    }

    @Test func mistypedFieldIs422NamingIt() throws {
        let problem = try #require(Self.problem(decoding: #"{"prompt": 5}"#, as: GenerateBody.self))
        #expect(problem.status.code == 422)
        #expect(problem.code == "validation_failed")
        #expect(problem.message == "prompt must be a string")

        let temperature = try #require(Self.problem(decoding: #"{"prompt":"x","temperature":"hot"}"#, as: GenerateBody.self))
        #expect(temperature.message == "temperature must be a number")
        let stream = try #require(Self.problem(decoding: #"{"prompt":"x","stream":"yes"}"#, as: GenerateBody.self))
        #expect(stream.message == "stream must be true or false")
        let maxTokens = try #require(Self.problem(decoding: #"{"prompt":"x","max_tokens":"many"}"#, as: GenerateBody.self))
        #expect(maxTokens.message == "max_tokens must be an integer")
    }

    @Test func missingPromptIsRequired() throws {
        let problem = try #require(Self.problem(decoding: "{}", as: GenerateBody.self))
        #expect(problem.status.code == 422)
        #expect(problem.message == "prompt is required")
    }

    @Test func nullPromptIsNamed() throws {
        let problem = try #require(Self.problem(decoding: #"{"prompt": null}"#, as: GenerateBody.self))
        #expect(problem.status.code == 422)
        #expect(problem.message == "prompt must be a string, not null")
    }

    @Test func bodyThatIsNotAnObjectIs422() throws {
        let problem = try #require(Self.problem(decoding: "[1, 2]", as: GenerateBody.self))
        #expect(problem.status.code == 422)
        #expect(problem.message == "the body must be an object")
    }

    @Test func missingMessageFieldIsNamedWithItsPath() throws {
        let problem = try #require(Self.problem(decoding: #"{"messages":[{"role":"user"}]}"#, as: ChatBody.self))
        #expect(problem.status.code == 422)
        #expect(problem.message == "messages[0].content is required")

        let second = try #require(Self.problem(
            decoding: #"{"messages":[{"role":"user","content":"a"},{"role":"user","content":7}]}"#, as: ChatBody.self
        ))
        #expect(second.message == "messages[1].content must be a string")

        let notArray = try #require(Self.problem(decoding: #"{"messages":"hi"}"#, as: ChatBody.self))
        #expect(notArray.message == "messages must be an array")
    }
}
