import Foundation
import Testing
@testable import SlipwayCore

/// The example set of DESIGN.md loads, and what it decodes to is what was written.
@Suite struct SpecLoaderTests {
    @Test func exampleSetLoadsWithEnvironmentsInOrder() throws {
        let set = try loadSpecs(ExampleSpecs.all)
        #expect(set.pipelines.map(\.name) == ["model-serve"])
        #expect(set.orderedEnvironments.map(\.name) == ["dev", "staging", "prod"])
        #expect(set.orderedEnvironments.map(\.order) == [1, 2, 3])
        #expect(set.pipeline(named: "nope") == nil)
    }

    @Test func fileOrderDoesNotMatter() throws {
        let forwards = try loadSpecs(ExampleSpecs.all)
        let backwards = try loadSpecs(ExampleSpecs.all.reversed())
        #expect(forwards == backwards)
    }

    @Test func environmentsDecodeAsWritten() throws {
        let set = try loadSpecs(ExampleSpecs.all)
        let dev = try #require(set.environment(named: "dev"))
        #expect(dev.target == .local(port: 18080))
        #expect(dev.ollamaEndpoints == ["http://127.0.0.1:11434"])
        #expect(dev.approvals == nil)
        #expect(dev.freeze.isEmpty)
        #expect(dev.drift == nil)
        #expect(dev.location == .init(file: "environments/dev.yaml", line: 3, column: 13))

        let staging = try #require(set.environment(named: "staging"))
        #expect(staging.metadata.labels == ["tier": "pre-production"])
        #expect(staging.target.summary == "local :18081")
        #expect(staging.ollamaEndpoints == ["http://127.0.0.1:11434", "https://ollama.internal:443"])
        #expect(staging.drift == DriftSettings(interval: .seconds(600), selfHeal: true))
        #expect(staging.location == .init(file: "environments/staging.yaml", line: 4, column: 3))

        let prod = try #require(set.environment(named: "prod"))
        #expect(prod.order == 3)
        #expect(prod.target == .local(port: 18082))
        let approvals = try #require(prod.approvals)
        #expect(approvals.required == 2)
        #expect(approvals.approvers == [.group("release-managers")])
        #expect(approvals.forbidSelfApproval)
        #expect(approvals.expiresAfter == .seconds(24 * 3600))
        #expect(prod.drift == DriftSettings(interval: .seconds(300), selfHeal: false))

        let freeze = try #require(prod.freeze.first)
        #expect(prod.freeze.count == 1)
        #expect(freeze.from == .weekly(weekday: 5, hour: 17, minute: 0))
        #expect(freeze.to == .weekly(weekday: 1, hour: 8, minute: 0))
        #expect(freeze.timeZone == "Europe/Berlin")
        #expect(freeze.reason == "weekend")
        #expect(freeze.summary == "Fri 17:00 → Mon 08:00 Europe/Berlin")
    }

    @Test func pipelineSourceBuildScanAndModelDecodeAsWritten() throws {
        let pipeline = try #require(try loadSpecs(ExampleSpecs.all).pipeline(named: "model-serve"))
        #expect(pipeline.location == .init(file: "pipelines/model-serve.yaml", line: 3, column: 13))
        #expect(pipeline.metadata.labels == ["team": "ml"])
        #expect(pipeline.source.branch == "main")
        #expect(pipeline.source.paths == ["Sources/ModelServe/**", "k8s/**", "models/**"])
        #expect(pipeline.source.pollInterval == .seconds(30))
        #expect(pipeline.source.matches(path: "Sources/ModelServe/Routes/Generate.swift"))
        #expect(!pipeline.source.matches(path: "Sources/Other/main.swift"))

        let build = try #require(pipeline.build.first)
        #expect(pipeline.build.count == 1)
        #expect(build.name == "model-serve")
        #expect(build.run == ["swift", "build", "-c", "release", "--product", "model-serve"])
        #expect(build.env == ["SWIFT_DETERMINISTIC_HASHING": "1"])
        #expect(build.timeout == .seconds(1200))
        #expect(build.produces == ["binary": ".build/release/model-serve"])
        #expect(build.cache == [".build"])
        #expect(build.workingDirectory == nil)
        #expect(build.location == .init(file: "pipelines/model-serve.yaml", line: 10, column: 7))

        #expect(pipeline.scan.count == 2)
        guard case .vulnerabilities(let trivy) = pipeline.scan.first, case .sbom(let sbom) = pipeline.scan.last else {
            Issue.record("expected a vulnerability scan then an SBOM, got \(pipeline.scan)")
            return
        }
        #expect(trivy.scanner == .trivy)
        #expect(trivy.failOn == .high)
        #expect(trivy.ignoreFile == "security/ignore.yaml")
        #expect(!trivy.ignoreUnfixed)
        #expect(!trivy.optional)
        #expect(trivy.location == .init(file: "pipelines/model-serve.yaml", line: 17, column: 7))
        #expect(sbom.tool == .syft)
        #expect(pipeline.model == ModelSpec(name: "ramsey-model", modelfile: "models/Modelfile"))
    }

    @Test func checksAndAnalysesDecodeAsWritten() throws {
        let pipeline = try #require(try loadSpecs(ExampleSpecs.all).pipeline(named: "model-serve"))
        #expect(pipeline.checks.map(\.name) == ["smoke", "drift"])
        #expect(pipeline.checks.map(\.kindName) == ["smoke", "drift"])

        let smokeCheck = try #require(pipeline.check(named: "smoke"))
        guard case .smoke(let smoke) = smokeCheck.kind else {
            Issue.record("expected a smoke check, got \(smokeCheck.kind)")
            return
        }
        #expect(smokeCheck.location == .init(file: "pipelines/model-serve.yaml", line: 21, column: 5))
        #expect(smoke.requests.map(\.name) == ["health", "generate"])
        let health = smoke.requests[0]
        #expect(health.method == "GET")
        #expect(health.path == "/health")
        #expect(health.expectStatus == 200)
        #expect(health.expectJSON.isEmpty)
        #expect(health.latencyBudget == .milliseconds(250))
        #expect(health.body == nil)

        let generate = smoke.requests[1]
        #expect(generate.method == "POST")
        #expect(generate.path == "/api/generate")
        #expect(generate.headers == ["Content-Type": "application/json"])
        #expect(generate.body == .object([
            "model": .string("ramsey-model"), "prompt": .string("Say hi"), "stream": .bool(false),
            "options": .object(["temperature": .number(0)]),
        ]))
        #expect(generate.latencyBudget == .seconds(2))
        #expect(generate.expectJSON == [
            JSONExpectation(path: try #require(JSONPath("$.done")), expected: .bool(true)),
            JSONExpectation(path: try #require(JSONPath("$.choices[0].text")), expected: .string("hi")),
        ])

        let driftCheck = try #require(pipeline.check(named: "drift"))
        #expect(driftCheck.kind == .drift(DriftCheck(prompts: ["What is 2+2?", "Name a colour."], maxDivergence: 0.25)))

        let analysis = try #require(pipeline.analysis(named: "error-and-latency"))
        #expect(analysis.interval == .seconds(60))
        #expect(analysis.samples == 5)
        #expect(analysis.failureLimit == 1)
        #expect(analysis.metrics == [
            AnalysisMetric(name: "error-rate", query: "rate(http_errors_total[1m])", max: 0.01),
            AnalysisMetric(name: "p95-latency", query: "p95_latency_seconds", min: 0, max: 0.5),
        ])
    }

    @Test func stagesDecodeAsWritten() throws {
        let pipeline = try #require(try loadSpecs(ExampleSpecs.all).pipeline(named: "model-serve"))
        #expect(pipeline.stages.map(\.environment) == ["dev", "staging", "prod"])
        let file = "pipelines/model-serve.yaml"

        let dev = try #require(pipeline.stage(for: "dev"))
        #expect(dev.location == .init(file: file, line: 48, column: 7))
        #expect(dev.after == nil)
        #expect(dev.strategy == .blueGreen(BlueGreenStrategy(autoPromote: true)))
        #expect(dev.checks == ["smoke"])

        let staging = try #require(pipeline.stage(for: "staging"))
        #expect(staging.after == StageGateSpec(
            stage: "dev", soak: .seconds(300), approval: false, location: .init(file: file, line: 52, column: 14)
        ))
        #expect(staging.strategy.name == "canary")
        #expect(staging.strategy == .canary(CanaryStrategy(steps: [
            .setWeight(10), .analysis("error-and-latency"), .setWeight(50), .pause(.seconds(120)), .setWeight(100),
        ])))
        #expect(staging.checks == ["smoke", "drift"])

        let prod = try #require(pipeline.stage(for: "prod"))
        #expect(prod.after?.stage == "staging")
        #expect(prod.after?.approval == true)
        #expect(prod.after?.soak == nil)
        #expect(prod.strategy == .blueGreen(BlueGreenStrategy(
            autoPromote: false, previewChecks: ["smoke"], scaleDownDelay: .seconds(5400)
        )))
        #expect(prod.checks.isEmpty)
    }

    @Test func defaultsApplyWhenOptionalKeysAreLeftOut() throws {
        let set = try loadSpecs(ExampleSpecs.environments + [.yaml("pipelines/minimal.yaml", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: minimal }
            spec:
              checks:
                ping: { smoke: [ { path: / } ] }
              analyses:
                errors: { metrics: [ { name: errors, query: errors_total, max: 0 } ] }
              stages:
                - { environment: dev, strategy: { blueGreen: } }
                - { environment: staging, strategy: { canary: { steps: [ { setWeight: 20 }, { pause: }, { pause: {} } ] } } }
                - { environment: prod, strategy: { blueGreen: {} } }
            """)])
        let pipeline = try #require(set.pipeline(named: "minimal"))
        #expect(pipeline.source == SourceFilter(branch: "main", paths: [], pollInterval: .seconds(60)))
        #expect(pipeline.source.matches(path: "anything/at/all.txt"))
        #expect(pipeline.build.isEmpty)
        #expect(pipeline.scan.isEmpty)
        #expect(pipeline.model == nil)
        #expect(pipeline.stages[0].strategy == .blueGreen(BlueGreenStrategy(autoPromote: true, previewChecks: [], scaleDownDelay: .seconds(30))))
        #expect(pipeline.stages[1].strategy == .canary(CanaryStrategy(steps: [.setWeight(20), .pause(nil), .pause(nil)])))
        #expect(pipeline.stages[2].strategy == .blueGreen(BlueGreenStrategy()))

        guard case .smoke(let smoke) = pipeline.checks.first?.kind else {
            Issue.record("expected a smoke check")
            return
        }
        #expect(smoke.requests.map(\.name) == ["request-1"])
        #expect(smoke.requests[0].method == "GET")
        #expect(smoke.requests[0].expectStatus == 200)
        #expect(smoke.requests[0].latencyBudget == nil)

        let analysis = try #require(pipeline.analysis(named: "errors"))
        #expect(analysis.interval == .seconds(30))
        #expect(analysis.samples == 3)
        #expect(analysis.failureLimit == 0)

        let prod = try #require(set.environment(named: "prod"))
        #expect(prod.approvals == ApprovalPolicy(required: 1, approvers: [.group("release-managers")], forbidSelfApproval: true, expiresAfter: nil))
    }

    @Test func severalDocumentsInOneFile() throws {
        let set = try loadSpecs([.yaml("environments/all.yaml", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: dev }
            spec: { order: 1, target: { local: { port: 18080 } } }
            ---
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: prod }
            spec:
              order: 2
              target:
                kubernetes: { context: prod-eu, namespace: model-serve, traffic: gatewayAPI }
            """)])
        #expect(set.pipelines.isEmpty)
        #expect(set.orderedEnvironments.map(\.name) == ["dev", "prod"])
        let prod = try #require(set.environment(named: "prod"))
        #expect(prod.target == .kubernetes(KubernetesTarget(context: "prod-eu", namespace: "model-serve", traffic: .gatewayAPI)))
        #expect(prod.target.summary == "kubernetes model-serve (gatewayAPI)")
        #expect(prod.location == .init(file: "environments/all.yaml", line: 8, column: 13))
    }

    @Test func noFilesAtAllIsAnError() {
        #expect(loadDiagnostics([]) == [
            .at("pipelines", 1, 1, "no specs found; expected pipelines/*.yaml and environments/*.yaml"),
        ])
    }

    @Test(arguments: [
        ("pipelines/model-serve.yaml", true),
        ("environments/prod.yml", true),
        ("environments/prod.json", false),
        ("pipelines/nested/model-serve.yaml", false),
        ("docs/model-serve.yaml", false),
        ("model-serve.yaml", false),
    ])
    func specPaths(path: String, isSpec: Bool) {
        #expect(SpecFile.isSpecPath(path) == isSpec)
    }

    @Test func diagnosticsPrintAsFileLineColumnAndRoundTripAsJSON() throws {
        let diagnostic = SpecDiagnostic.at("pipelines/a.yaml", 3, 7, "unknown key 'x'")
        #expect(diagnostic.description == "pipelines/a.yaml:3:7: unknown key 'x'")
        let data = try JSONEncoder().encode(diagnostic)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["file"] as? String == "pipelines/a.yaml")
        #expect(object["line"] as? Int == 3)
        #expect(object["column"] as? Int == 7)
        #expect(try JSONDecoder().decode(SpecDiagnostic.self, from: data) == diagnostic)
    }

    @Test func loadErrorSortsByFileThenLineThenColumn() {
        let error = SpecLoadError(diagnostics: [
            .at("pipelines/b.yaml", 1, 1, "c"),
            .at("environments/x.yaml", 9, 2, "b"),
            .at("environments/x.yaml", 9, 1, "a"),
            .at("pipelines/a.yaml", 20, 1, "d"),
        ])
        #expect(error.diagnostics.map(\.message) == ["a", "b", "d", "c"])
        #expect(error.description.split(separator: "\n").first == "environments/x.yaml:9:1: a")
    }
}
