import Testing
@testable import SlipwayCore

/// Spec files for tests, written as multi-line string literals.
///
/// A `"""` literal's first line is line 1 of the file and its closing
/// delimiter's indentation is stripped, so the line and column numbers a test
/// asserts are the ones a reader counts in the literal.
extension SpecFile {
    static func yaml(_ path: String, _ contents: String) -> SpecFile {
        SpecFile(path: path, contents: contents)
    }

    /// A small environment with a local target; `extra` is appended to `spec:` as written.
    static func environment(_ name: String, order: Int, port: Int, extra: String = "") -> SpecFile {
        .yaml("environments/\(name).yaml", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: \(name) }
            spec:
              order: \(order)
              target: { local: { port: \(port) } }
            \(extra)
            """)
    }
}

extension SpecDiagnostic {
    /// The diagnostic a test expects: `file:line:column: message`.
    static func at(_ file: String, _ line: Int, _ column: Int, _ message: String) -> SpecDiagnostic {
        SpecDiagnostic(message, at: SlipwayCore.SourceLocation(file: file, line: line, column: column))
    }
}

/// The specs of DESIGN.md's example: three environments and the model-serve pipeline.
enum ExampleSpecs {
    static let dev = SpecFile.yaml("environments/dev.yaml", """
        apiVersion: slipway/v1
        kind: Environment
        metadata: { name: dev }
        spec:
          order: 1
          target:
            local: { port: 18080 }
          ollama: { endpoints: ["http://127.0.0.1:11434"] }
        """)

    static let staging = SpecFile.yaml("environments/staging.yaml", """
        apiVersion: slipway/v1
        kind: Environment
        metadata:
          name: staging
          labels: { tier: pre-production }
        spec:
          order: 2
          target:
            local: { port: 18081 }
          ollama:
            endpoints:
              - http://127.0.0.1:11434
              - https://ollama.internal:443
          drift: { interval: 10m, selfHeal: true }
        """)

    static let prod = SpecFile.yaml("environments/prod.yaml", """
        apiVersion: slipway/v1
        kind: Environment
        metadata: { name: prod }
        spec:
          order: 3
          target:
            local: { port: 18082 }          # or kubernetes: { context, namespace, traffic }
          ollama: { endpoints: ["http://127.0.0.1:11434"] }
          approvals: { required: 2, approvers: ["group:release-managers"], forbidSelfApproval: true, expiresAfter: 24h }
          freeze: [ { from: "Fri 17:00", to: "Mon 08:00", timeZone: "Europe/Berlin", reason: weekend } ]
          drift: { interval: 5m, selfHeal: false }
        """)

    static let modelServe = SpecFile.yaml("pipelines/model-serve.yaml", """
        apiVersion: slipway/v1
        kind: Pipeline
        metadata: { name: model-serve, labels: { team: ml } }
        spec:
          source:
            branch: main
            paths: ["Sources/ModelServe/**", "k8s/**", "models/**"]
            pollInterval: 30s
          build:
            - name: model-serve
              run: ["swift", "build", "-c", "release", "--product", "model-serve"]
              env: { SWIFT_DETERMINISTIC_HASHING: "1" }
              timeout: 20m
              produces: { binary: ".build/release/model-serve" }
              cache: [".build"]
          scan:
            - { scanner: trivy, failOn: high, ignore: "security/ignore.yaml" }
            - { sbom: syft }
          model: { name: "ramsey-model", modelfile: "models/Modelfile" }
          checks:
            smoke:
              smoke:
                - name: health
                  path: /health
                  expect: { status: 200, latencyBudget: 250ms }
                - name: generate
                  method: post
                  path: /api/generate
                  headers: { Content-Type: application/json }
                  body: { model: ramsey-model, prompt: "Say hi", stream: false, options: { temperature: 0 } }
                  expect:
                    status: 200
                    json: { "$.done": true, "$.choices[0].text": "hi" }
                    latencyBudget: 2s
            drift:
              drift:
                prompts: ["What is 2+2?", "Name a colour."]
                maxDivergence: 0.25
          analyses:
            error-and-latency:
              interval: 1m
              samples: 5
              failureLimit: 1
              metrics:
                - { name: error-rate, query: "rate(http_errors_total[1m])", max: 0.01 }
                - { name: p95-latency, query: "p95_latency_seconds", min: 0, max: 0.5 }
          stages:
            - environment: dev
              strategy: { blueGreen: { autoPromote: true } }
              checks: [smoke]
            - environment: staging
              after: { stage: dev, soak: 5m }
              strategy:
                canary:
                  steps: [ { setWeight: 10 }, { analysis: error-and-latency }, { setWeight: 50 }, { pause: 2m }, { setWeight: 100 } ]
              checks: [smoke, drift]
            - environment: prod
              after: { stage: staging, approval: true }
              strategy: { blueGreen: { previewChecks: [smoke], autoPromote: false, scaleDownDelay: 1h30m } }
        """)

    static let all = [dev, staging, prod, modelServe]

    /// Three small environments (dev 1, staging 2, prod 3 with approvals) for
    /// tests whose pipeline is the thing under test.
    static let environments = [
        SpecFile.environment("dev", order: 1, port: 18080),
        SpecFile.environment("staging", order: 2, port: 18081),
        SpecFile.environment("prod", order: 3, port: 18082, extra: """
              approvals: { required: 1, approvers: ["group:release-managers"] }
            """),
    ]
}

/// Loads `files`, expecting success.
func loadSpecs(_ files: [SpecFile], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> SpecSet {
    switch SpecLoader.load(files) {
    case .success(let set):
        return set
    case .failure(let error):
        Issue.record("expected the specs to load, got:\n\(error)", sourceLocation: sourceLocation)
        throw error
    }
}

/// Loads `files`, expecting failure, and returns the diagnostics in the order the load reports them.
func loadDiagnostics(_ files: [SpecFile], sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [SpecDiagnostic] {
    switch SpecLoader.load(files) {
    case .success:
        Issue.record("expected the load to fail, but it succeeded", sourceLocation: sourceLocation)
        return []
    case .failure(let error):
        return error.diagnostics
    }
}

/// The pipeline `p` of `yaml` (a whole `kind: Pipeline` document), loaded with a dev environment
/// (order 1, port 18600) beside it; records an issue and throws when it does not load.
func loadPipelineWithDev(_ yaml: String) throws -> PipelineSpec {
    let environment = SpecFile(path: "environments/dev.yaml", contents: """
        apiVersion: slipway/v1
        kind: Environment
        metadata: { name: dev }
        spec: { order: 1, target: { local: { port: 18600 } } }
        """)
    let loaded = SpecLoader.load([SpecFile(path: "pipelines/p.yaml", contents: yaml), environment])
    guard case .success(let specs) = loaded else {
        Issue.record("the spec did not load: \(loaded)")
        throw CancellationError()
    }
    return try #require(specs.pipeline(named: "p"))
}
