import Testing
@testable import SlipwayCore

/// The rules that span documents and files: stages name real environments in
/// promotion order, names and orders are unique, references resolve, gates
/// point backwards. And every problem of a load is reported at once.
@Suite struct SpecValidationTests {
    /// A pipeline through `ExampleSpecs.environments` whose stages start on line 6.
    static func stages(_ stages: String) -> String {
        """
        apiVersion: slipway/v1
        kind: Pipeline
        metadata: { name: p }
        spec:
          stages:
        \(stages)
        """
    }

    static let stageOrderMistakes: [SpecMistake] = [
        .pipeline("a stage naming an unknown environment", stages("""
                - { environment: dev, strategy: { blueGreen: } }
                - { environment: staging, strategy: { blueGreen: } }
                - { environment: prdo, strategy: { blueGreen: } }
            """),
            .at(pipelinePath, 8, 9, "unknown environment 'prdo'; expected one of: dev, prod, staging (did you mean 'prod'?)")),
        .pipeline("a stage order that skips staging", stages("""
                - environment: dev
                  strategy: { blueGreen: }
                - environment: prod
                  strategy: { blueGreen: }
            """),
            .at(pipelinePath, 8, 7, "stage 'prod' skips 'staging' between 'dev' and 'prod'; add a stage for it or remove the environment")),
        .pipeline("a stage order that goes backwards", stages("""
                - environment: staging
                  strategy: { blueGreen: }
                - environment: dev
                  strategy: { blueGreen: }
                - environment: prod
                  strategy: { blueGreen: }
            """),
            .at(pipelinePath, 8, 7, "stage 'dev' (order 1) comes after 'staging' (order 2); stages must follow the environments' order")),
        .pipeline("an environment with two stages", stages("""
                - environment: dev
                  strategy: { blueGreen: }
                - environment: staging
                  strategy: { blueGreen: }
                - environment: staging
                  strategy: { blueGreen: }
            """),
            .at(pipelinePath, 10, 7, "environment 'staging' already has a stage at pipelines/p.yaml:8:7; a pipeline promotes to each environment once")),
        .pipeline("after.stage naming a later stage", stages("""
                - environment: dev
                  strategy: { blueGreen: }
                - environment: staging
                  after: { stage: prod, soak: 5m }
                  strategy: { blueGreen: }
                - environment: prod
                  strategy: { blueGreen: }
            """),
            .at(pipelinePath, 9, 14, "'after.stage' must name an earlier stage of this pipeline; expected one of: dev, found 'prod'")),
        .pipeline("after.stage naming its own stage", stages("""
                - environment: dev
                  strategy: { blueGreen: }
                - environment: staging
                  after:
                    stage: staging
                  strategy: { blueGreen: }
            """),
            .at(pipelinePath, 10, 9, "'after.stage' must name an earlier stage of this pipeline; expected one of: dev, found 'staging'")),
        .pipeline("after on the first stage", stages("""
                - environment: dev
                  after: { stage: qa }
                  strategy: { blueGreen: }
            """),
            .at(pipelinePath, 7, 14, "'after.stage' must name an earlier stage of this pipeline; expected one of: (none: this is the first stage), found 'qa'")),
        .pipeline("approval on an environment without approvals", stages("""
                - environment: dev
                  strategy: { blueGreen: }
                - environment: staging
                  after: { stage: dev, approval: true }
                  strategy: { blueGreen: }
            """),
            .at(pipelinePath, 9, 14, "stage 'staging' asks for approval but environment 'staging' has no 'approvals' policy (at environments/staging.yaml:3:13)")),
    ]

    static let referenceMistakes: [SpecMistake] = [
        .pipeline("a check that is not defined", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              checks:
                smoke: { smoke: [ { path: /health } ] }
                drift: { drift: { prompts: [hi] } }
              stages:
                - environment: dev
                  strategy: { blueGreen: }
                  checks: [smoke, drfit]
            """,
            .at(pipelinePath, 9, 7, "unknown check 'drfit' in 'checks' of stage 'dev'; expected one of: smoke, drift")),
        .pipeline("a preview check that is not defined", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              checks:
                smoke: { smoke: [ { path: /health } ] }
              stages:
                - environment: dev
                  strategy: { blueGreen: { previewChecks: [smoke, load] } }
            """,
            .at(pipelinePath, 8, 7, "unknown check 'load' in 'previewChecks' of stage 'dev'; expected one of: smoke")),
        .pipeline("a check named where no checks are defined", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages:
                - environment: dev
                  strategy: { blueGreen: }
                  checks: [smoke]
            """,
            .at(pipelinePath, 6, 7, "unknown check 'smoke' in 'checks' of stage 'dev'; define it under spec.checks")),
        .pipeline("an analysis that is not defined", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              analyses:
                latency: { metrics: [ { name: p95, query: p95_seconds, max: 0.5 } ] }
              stages:
                - environment: dev
                  strategy: { canary: { steps: [ { setWeight: 10 }, { analysis: errors }, { setWeight: 100 } ] } }
            """,
            .at(pipelinePath, 8, 7, "unknown analysis 'errors' in the canary of stage 'dev'; expected one of: latency")),
        .pipeline("an analysis named where no analyses are defined", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages:
                - environment: dev
                  strategy: { canary: { steps: [ { analysis: errors } ] } }
            """,
            .at(pipelinePath, 6, 7, "unknown analysis 'errors' in the canary of stage 'dev'; define it under spec.analyses")),
    ]

    static let duplicateMistakes: [SpecMistake] = [
        SpecMistake("two pipelines with one name in two files", files: ExampleSpecs.environments + [
            .yaml("pipelines/model-serve.yaml", """
                apiVersion: slipway/v1
                kind: Pipeline
                metadata: { name: model-serve }
                spec:
                  stages: [ { environment: dev, strategy: { blueGreen: } } ]
                """),
            .yaml("pipelines/model-serve-copy.yaml", """
                apiVersion: slipway/v1
                kind: Pipeline
                metadata:
                  name: model-serve
                spec:
                  stages: [ { environment: dev, strategy: { blueGreen: } } ]
                """),
        ], expected: [
            .at("pipelines/model-serve.yaml", 3, 13, "duplicate pipeline name 'model-serve'; it is already used at pipelines/model-serve-copy.yaml:4:3"),
        ]),
        SpecMistake("two environments with one name", files: [
            .environment("dev", order: 1, port: 18080),
            .yaml("environments/dev2.yaml", """
                apiVersion: slipway/v1
                kind: Environment
                metadata: { name: dev }
                spec: { order: 2, target: { local: { port: 18081 } } }
                """),
        ], expected: [
            .at("environments/dev2.yaml", 3, 13, "duplicate environment name 'dev'; it is already used at environments/dev.yaml:3:13"),
        ]),
        SpecMistake("two environments with one order", files: [
            .environment("dev", order: 1, port: 18080),
            .environment("qa", order: 1, port: 18081),
        ], expected: [
            .at("environments/qa.yaml", 3, 13, "environment 'qa' has order 1, already taken by 'dev' at environments/dev.yaml:3:13; each environment needs its own place in the promotion order"),
        ]),
        SpecMistake("two environments on one local port", files: [
            .environment("dev", order: 1, port: 18080),
            .environment("qa", order: 2, port: 18080),
        ], expected: [
            .at("environments/qa.yaml", 3, 13, "environment 'qa' uses local port 18080, already used by 'dev'"),
        ]),
    ]

    @Test(arguments: stageOrderMistakes)
    func stagesFollowTheEnvironments(_ mistake: SpecMistake) {
        mistake.check()
    }

    @Test(arguments: referenceMistakes)
    func referencesResolve(_ mistake: SpecMistake) {
        mistake.check()
    }

    @Test(arguments: duplicateMistakes)
    func namesOrdersAndPortsAreUnique(_ mistake: SpecMistake) {
        mistake.check()
    }

    @Test func aStageMayStartLaterInTheOrder() throws {
        let set = try loadSpecs(ExampleSpecs.environments + [.yaml(pipelinePath, Self.stages("""
                - environment: staging
                  strategy: { blueGreen: }
                - environment: prod
                  after: { stage: staging, approval: true }
                  strategy: { blueGreen: }
            """))])
        #expect(set.pipeline(named: "p")?.stages.map(\.environment) == ["staging", "prod"])
    }

    @Test func stagesNamingEnvironmentsWhenNoneAreDefined() {
        let diagnostics = loadDiagnostics([.yaml(pipelinePath, Self.stages("""
                - { environment: dev, strategy: { blueGreen: } }
            """))])
        #expect(diagnostics == [
            .at(pipelinePath, 6, 9, "unknown environment 'dev'; no environments are defined in environments/"),
        ])
    }

    /// An environment file with a mistake is reported once, at the mistake: the
    /// stage that promotes to it does not also get "unknown environment".
    @Test(arguments: [
        ("kind: Environment", "kind: Enviroment", 2, 7, "unknown kind \"Enviroment\"; expected Pipeline or Environment"),
        ("  order: 2\n", "  ordr: 2\n", 5, 3, "missing required key 'order' in the spec of an Environment"),
        ("metadata: { name: staging }", "metadata: { name: staging", 4, 5, "malformed YAML: while parsing a flow mapping: did not find expected ',' or '}'"),
    ])
    func brokenEnvironmentIsReportedOnlyWhereItIsBroken(original: String, broken: String, line: Int, column: Int, message: String) {
        var staging = SpecFile.yaml("environments/staging.yaml", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: staging }
            spec:
              order: 2
              target: { local: { port: 18081 } }
            """)
        staging.contents = staging.contents.replacingOccurrences(of: original, with: broken)
        let diagnostics = loadDiagnostics([ExampleSpecs.environments[0], staging, ExampleSpecs.environments[2], ExampleSpecs.modelServe])
        #expect(diagnostics.contains(.at("environments/staging.yaml", line, column, message)))
        #expect(diagnostics.allSatisfy { $0.location.file == "environments/staging.yaml" })
    }

    @Test func everyMistakeInEveryFileIsReportedSortedByFileThenLine() {
        let prod = SpecFile.yaml("environments/prod.yaml", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: prod }
            spec:
              order: 3
              target: { local: { port: 18082 } }
              approvals: { required: 2, approvers: ["group:release-managers"], expiresAfter: 1 day }
            """)
        let pipeline = SpecFile.yaml("pipelines/model-serve.yaml", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: model-serve }
            spec:
              stages:
                - environment: dev
                  strategy: { blueGreen: { autopromote: true } }
                - environment: staging
                  after: { stage: dev, soak: 5 minutes }
                  strategy: { blueGreen: }
                - environment: prod
                  after: { stage: staging, approval: true }
                  strategy: { blueGreen: }
            """)
        let diagnostics = loadDiagnostics([pipeline, ExampleSpecs.dev, ExampleSpecs.staging, prod])
        #expect(diagnostics == [
            .at("environments/prod.yaml", 7, 82, "expected \(SpecDuration.expectation) for 'expiresAfter' in approvals, found the string \"1 day\""),
            .at("pipelines/model-serve.yaml", 7, 32, "unknown key 'autopromote' in blueGreen; expected one of: autoPromote, previewChecks, scaleDownDelay (did you mean 'autoPromote'?)"),
            .at("pipelines/model-serve.yaml", 9, 34, "expected \(SpecDuration.expectation) for 'soak' in 'after' of a stage, found the string \"5 minutes\""),
        ])
    }
}
