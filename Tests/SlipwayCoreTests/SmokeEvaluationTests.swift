import SlipwayCore
import Testing

@Suite struct SmokeEvaluationTests {
    static let location = SourceLocation(file: "pipelines/model-serve.yaml", line: 1, column: 1)

    static func generate(budget: Duration? = .seconds(5), json: [String: JSONValue] = ["$.done": .bool(true)]) -> SmokeRequest {
        SmokeRequest(
            name: "generate", location: location, method: "POST", path: "/v1/generate",
            body: .object(["prompt": .string("Say hello.")]), expectStatus: 200,
            expectJSON: json.keys.sorted().compactMap { key in
                JSONPath(key).map { JSONExpectation(path: $0, expected: json[key] ?? .null) }
            },
            latencyBudget: budget
        )
    }

    @Test func anAnswerAsExpectedHasNoMismatches() {
        let body = JSONValue.object(["done": .bool(true), "usage": .object(["completion_tokens": .number(16)])])
        let mismatches = SmokeEvaluation.mismatches(for: Self.generate(), status: 200, body: body, latency: .milliseconds(300))
        #expect(mismatches == [])
    }

    @Test func aWrongStatusNamesBoth() {
        let mismatches = SmokeEvaluation.mismatches(
            for: Self.generate(json: [:]), status: 502, body: nil, latency: .milliseconds(10)
        )
        #expect(mismatches == ["status 502, expected 200"])
    }

    @Test func aDifferentJSONValueNamesThePathTheExpectedAndTheActualValue() {
        let request = Self.generate(json: ["$.done": .bool(true), "$.choices[0].text": .string("hello")])
        let body = JSONValue.object([
            "done": .bool(false), "choices": .array([.object(["text": .string("bye")])]),
        ])
        let mismatches = SmokeEvaluation.mismatches(for: request, status: 200, body: body, latency: .zero)
        #expect(mismatches == [
            "$.choices[0].text is \"bye\", expected \"hello\"",
            "$.done is false, expected true",
        ])
    }

    @Test func aMissingPathIsAbsent() {
        let request = Self.generate(json: ["$.done": .bool(true), "$.items[3]": .number(1)])
        let body = JSONValue.object(["items": .array([.number(1)])])
        let mismatches = SmokeEvaluation.mismatches(for: request, status: 200, body: body, latency: .zero)
        #expect(mismatches == ["$.done is absent, expected true", "$.items[3] is absent, expected 1"])
    }

    @Test func anAnswerThatIsNotJSONFailsEveryExpectation() {
        let mismatches = SmokeEvaluation.mismatches(for: Self.generate(), status: 200, body: nil, latency: .zero)
        #expect(mismatches == ["$.done is absent (the answer is not JSON), expected true"])
    }

    @Test func numbersCompareByValue() {
        let request = Self.generate(json: ["$.usage.completion_tokens": .number(16)])
        let body = JSONValue.object(["usage": .object(["completion_tokens": .number(16.0)])])
        #expect(SmokeEvaluation.mismatches(for: request, status: 200, body: body, latency: .zero) == [])
    }

    @Test func latencyOverTheBudgetFailsAndAtTheBudgetPasses() {
        let request = Self.generate(budget: .milliseconds(500), json: [:])
        #expect(SmokeEvaluation.mismatches(for: request, status: 200, body: nil, latency: .milliseconds(500)) == [])
        #expect(
            SmokeEvaluation.mismatches(for: request, status: 200, body: nil, latency: .milliseconds(612))
                == ["took 612 ms, over the latency budget of 500 ms"]
        )
    }

    @Test func everyProblemIsReportedTogether() {
        let request = Self.generate(budget: .seconds(1))
        let mismatches = SmokeEvaluation.mismatches(
            for: request, status: 500, body: .object(["error": .string("boom")]), latency: .seconds(2)
        )
        #expect(mismatches == [
            "status 500, expected 200",
            "$.done is absent, expected true",
            "took 2000 ms, over the latency budget of 1000 ms",
        ])
    }

    @Test func noBudgetMeansAnyLatency() {
        let request = Self.generate(budget: nil, json: [:])
        #expect(SmokeEvaluation.mismatches(for: request, status: 200, body: nil, latency: .seconds(600)) == [])
    }
}
