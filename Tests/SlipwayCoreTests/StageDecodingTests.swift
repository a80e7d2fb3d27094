import Testing
@testable import SlipwayCore

/// Stages: their strategy, canary steps and weights, and the durations written in gates and pauses.
@Suite struct StageDecodingTests {
    /// A pipeline whose dev stage is a canary with `steps`, one per line from line 12;
    /// a `setWeight` value starts at column 26, a `pause` value at column 22.
    static func canary(_ steps: [String]) -> String {
        """
        apiVersion: slipway/v1
        kind: Pipeline
        metadata: { name: p }
        spec:
          analyses:
            errors: { metrics: [ { name: errors, query: errors_total, max: 0 } ] }
          stages:
            - environment: dev
              strategy:
                canary:
                  steps:
        \(steps.map { "            - \($0)" }.joined(separator: "\n"))
        """
    }

    @Test(arguments: [
        ("setWeight: 150", "'setWeight' in a canary step must be between 0 and 100, found 150"),
        ("setWeight: 101", "'setWeight' in a canary step must be between 0 and 100, found 101"),
        ("setWeight: -1", "'setWeight' in a canary step must be between 0 and 100, found -1"),
        ("setWeight: 99999999999999999999999", "'setWeight' in a canary step must be between 0 and 100, found 99999999999999999999999"),
        ("setWeight: 12.5", "expected a whole number for 'setWeight' in a canary step, found a number (12.5)"),
        ("setWeight: \"50\"", "expected a whole number for 'setWeight' in a canary step, found the string \"50\""),
        ("setWeight: half", "expected a whole number for 'setWeight' in a canary step, found the string \"half\""),
        ("setWeight: [50]", "expected a whole number for 'setWeight' in a canary step, found a list"),
    ])
    func weightThatIsNotAPercentage(step: String, message: String) {
        let diagnostics = loadDiagnostics(ExampleSpecs.environments + [.yaml(pipelinePath, Self.canary(["setWeight: 10", step]))])
        #expect(diagnostics == [.at(pipelinePath, 13, 26, message)])
    }

    @Test(arguments: [
        (["setWeight: 50", "setWeight: 10"], 13, "setWeight must increase from step to step; 10 follows 50"),
        (["setWeight: 10", "setWeight: 10"], 13, "setWeight must increase from step to step; 10 follows 10"),
        (["setWeight: 20", "pause: 1m", "analysis: errors", "setWeight: 5"], 15, "setWeight must increase from step to step; 5 follows 20"),
        (["setWeight: 100", "setWeight: 0"], 13, "setWeight must increase from step to step; 0 follows 100"),
    ])
    func weightsThatDoNotIncrease(steps: [String], line: Int, message: String) {
        let diagnostics = loadDiagnostics(ExampleSpecs.environments + [.yaml(pipelinePath, Self.canary(steps))])
        #expect(diagnostics == [.at(pipelinePath, line, 26, message)])
    }

    @Test func everyDecreaseIsReportedOnce() {
        let diagnostics = loadDiagnostics(ExampleSpecs.environments + [.yaml(pipelinePath, Self.canary([
            "setWeight: 30", "setWeight: 20", "setWeight: 10", "setWeight: 150", "setWeight: 40",
        ]))])
        #expect(diagnostics == [
            .at(pipelinePath, 13, 26, "setWeight must increase from step to step; 20 follows 30"),
            .at(pipelinePath, 14, 26, "setWeight must increase from step to step; 10 follows 20"),
            .at(pipelinePath, 15, 26, "'setWeight' in a canary step must be between 0 and 100, found 150"),
        ])
    }

    @Test(arguments: [
        ["setWeight: 0", "setWeight: 100"],
        ["setWeight: 1", "setWeight: 2", "setWeight: 3"],
        ["setWeight: 100"],
        ["pause: 30s", "setWeight: 25", "analysis: errors", "pause:", "setWeight: 75"],
    ])
    func weightsThatIncreaseLoad(steps: [String]) throws {
        let set = try loadSpecs(ExampleSpecs.environments + [.yaml(pipelinePath, Self.canary(steps))])
        guard case .canary(let canary) = set.pipeline(named: "p")?.stages.first?.strategy else {
            Issue.record("expected a canary")
            return
        }
        #expect(canary.steps.count == steps.count)
    }

    @Test(arguments: [
        ("5 minutes", "the string \"5 minutes\""),
        ("5", "a number (5)"),
        ("m5", "the string \"m5\""),
        ("30m1h", "the string \"30m1h\""),
        ("5m5m", "the string \"5m5m\""),
        ("-5m", "the string \"-5m\""),
        ("5M", "the string \"5M\""),
        ("1h 30m", "the string \"1h 30m\""),
        ("1.5h", "the string \"1.5h\""),
        ("\"\"", "the string \"\""),
        ("~", "nothing (null)"),
        ("[5m]", "a list"),
    ])
    func soakThatIsNotADuration(written: String, found: String) {
        let diagnostics = loadDiagnostics(ExampleSpecs.environments + [.yaml(pipelinePath, """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages:
                - environment: dev
                  strategy: { blueGreen: }
                - environment: staging
                  after: { stage: dev, soak: \(written) }
                  strategy: { blueGreen: }
            """)])
        #expect(diagnostics == [
            .at(pipelinePath, 9, 34, "expected \(SpecDuration.expectation) for 'soak' in 'after' of a stage, found \(found)"),
        ])
    }

    static let mistakes: [SpecMistake] = [
        .pipeline("pause that is not a duration", canary(["setWeight: 10", "pause: 5 minutes"]),
            .at(pipelinePath, 13, 22, "expected \(SpecDuration.expectation) for 'pause' in a canary step, found the string \"5 minutes\"")),
        .pipeline("pause given as a list", canary(["pause: [5m]"]),
            .at(pipelinePath, 12, 22, "expected \(SpecDuration.expectation) for 'pause' in a canary step, found a list")),
        .pipeline("analysis given as a list", canary(["analysis: [errors]"]),
            .at(pipelinePath, 12, 25, "expected a string for 'analysis' in a canary step, found a list")),
        .pipeline("two actions in one step", canary(["{ setWeight: 10, pause: 1m }"]),
            .at(pipelinePath, 12, 15, "a canary step needs exactly one of 'setWeight', 'pause' or 'analysis', found setWeight and pause")),
        .pipeline("a step that is a plain word", canary(["pause"]),
            .at(pipelinePath, 12, 15, "expected a canary step as a mapping, found the string \"pause\"")),
        .pipeline("a canary without steps", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages:
                - environment: dev
                  strategy: { canary: { steps: [] } }
            """,
            .at(pipelinePath, 7, 36, "a canary needs at least one step, e.g. [{ setWeight: 10 }, { pause: 5m }]")),
        .pipeline("both strategies in one stage", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages:
                - environment: dev
                  strategy:
                    blueGreen: {}
                    canary: { steps: [ { setWeight: 100 } ] }
            """,
            .at(pipelinePath, 8, 9, "a strategy needs exactly one of 'blueGreen' or 'canary'")),
        .pipeline("an empty strategy", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages:
                - environment: dev
                  strategy: {}
            """,
            .at(pipelinePath, 7, 17, "a strategy needs exactly one of 'blueGreen' or 'canary'")),
        .pipeline("blueGreen with a scaleDownDelay that is not a duration", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages:
                - environment: dev
                  strategy: { blueGreen: { scaleDownDelay: 30 } }
            """,
            .at(pipelinePath, 7, 48, "expected \(SpecDuration.expectation) for 'scaleDownDelay' in blueGreen, found a number (30)")),
        .pipeline("blueGreen given as a list", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages:
                - environment: dev
                  strategy: { blueGreen: [autoPromote] }
            """,
            .at(pipelinePath, 7, 30, "expected blueGreen as a mapping, found a list")),
    ]

    @Test(arguments: mistakes)
    func stageMistake(_ mistake: SpecMistake) {
        mistake.check()
    }
}
