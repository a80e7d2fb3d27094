import Testing
@testable import SlipwayCore

/// The parts of a pipeline before its stages: source, build, scan, checks and analyses.
@Suite struct PipelineDecodingTests {
    /// A pipeline whose `spec:` starts with `parts` on line 5, followed by one dev stage.
    static func pipeline(_ parts: String) -> String {
        """
        apiVersion: slipway/v1
        kind: Pipeline
        metadata: { name: p }
        spec:
        \(parts)
          stages: [ { environment: dev, strategy: { blueGreen: } } ]
        """
    }

    static let sourceAndBuildMistakes: [SpecMistake] = [
        .pipeline("a branch name with a space and a poll interval too short", pipeline("""
              source:
                branch: my branch
                pollInterval: 1s
            """),
            .at(pipelinePath, 6, 13, "'branch' must be a git branch name such as main, found \"my branch\""),
            .at(pipelinePath, 7, 19, "'pollInterval' must be at least 5s")),
        .pipeline("a build step with a bad name, an empty run and a zero timeout", pipeline("""
              build:
                - name: Server
                  run: []
                  timeout: 0s
            """),
            .at(pipelinePath, 6, 13, "build step name must be \(SpecMetadata.nameExpectation), found \"Server\""),
            .at(pipelinePath, 7, 12, "'run' must name a program and its arguments, e.g. [\"swift\", \"build\"]"),
            .at(pipelinePath, 8, 16, "'timeout' must be longer than 0s")),
        .pipeline("a build step whose artifact and cache leave the checkout", pipeline("""
              build:
                - name: server
                  run: [make]
                  produces: { binary: /usr/bin/server }
                  cache: [".build", "../shared"]
            """),
            .at(pipelinePath, 8, 17, "artifact 'binary' must be a path inside the checkout, found \"/usr/bin/server\""),
            .at(pipelinePath, 9, 14, "cache path must be inside the checkout, found \"../shared\"")),
        .pipeline("a build step whose network is not a flag and whose secrets are not variable names, repeated, or also in env", pipeline("""
              build:
                - name: server
                  run: [make]
                  env: { NPM_TOKEN: in-the-spec }
                  network: sometimes
                  secrets: [NPM_TOKEN, 9LIVES, API_KEY, API_KEY]
            """),
            .at(pipelinePath, 9, 16, "expected true or false for 'network' in a build step, found the string \"sometimes\""),
            .at(pipelinePath, 10, 16, "NPM_TOKEN is both in 'env' and in 'secrets'; a secret's value comes from the runner's secrets file, never from the spec"),
            .at(pipelinePath, 10, 16, "secret name must be an environment variable name (letters, digits and '_', not starting with a digit), found \"9LIVES\""),
            .at(pipelinePath, 10, 16, "secret API_KEY is named twice")),
        .pipeline("an image step with network and secrets, which belong to command steps", pipeline("""
              build:
                - name: image
                  image: { repository: "registry.example/app" }
                  network: true
                  secrets: [TOKEN]
            """),
            .at(pipelinePath, 8, 7, "'network' applies to a command step, not to an image step; a step has either 'run' or 'image'"),
            .at(pipelinePath, 9, 7, "'secrets' applies to a command step, not to an image step; a step has either 'run' or 'image'")),
        .pipeline("two build steps with one name", pipeline("""
              build:
                - { name: server, run: [make] }
                - { name: server, run: [make, install] }
            """),
            .at(pipelinePath, 7, 7, "duplicate build step name 'server'; it is already used at pipelines/p.yaml:6:7")),
        .pipeline("env values that are not strings", pipeline("""
              build:
                - name: server
                  run: [make]
                  env: { CC: clang, FLAGS: [-O2] }
            """),
            .at(pipelinePath, 8, 32, "expected a string for 'FLAGS' in 'env' of a build step, found a list")),
    ]

    static let scanMistakes: [SpecMistake] = [
        .pipeline("an unknown scanner", pipeline("""
              scan:
                - { scanner: snyk }
            """),
            .at(pipelinePath, 6, 18, "unknown scanner \"snyk\"; expected one of: trivy, grype, sarif")),
        .pipeline("an unknown severity", pipeline("""
              scan:
                - { scanner: grype, failOn: severe }
            """),
            .at(pipelinePath, 6, 33, "unknown severity \"severe\" for 'failOn'; expected one of: negligible, low, medium, high, critical")),
        .pipeline("a vulnerability policy on an SBOM", pipeline("""
              scan:
                - { sbom: syft, failOn: high }
            """),
            .at(pipelinePath, 6, 21, "'failOn' applies to vulnerability scanners, not to an sbom entry")),
        .pipeline("an unknown SBOM tool", pipeline("""
              scan:
                - sbom: cyclonedx
            """),
            .at(pipelinePath, 6, 13, "unknown SBOM tool \"cyclonedx\"; expected one of: syft")),
        .pipeline("a scan entry that is neither", pipeline("""
              scan:
                - { optional: true }
            """),
            .at(pipelinePath, 6, 7, "a scan entry needs exactly one of 'scanner' (trivy, grype, sarif) or 'sbom' (syft)")),
    ]

    static let checkMistakes: [SpecMistake] = [
        .pipeline("a smoke request that is not what HTTP expects", pipeline("""
              checks:
                smoke:
                  smoke:
                    - path: health
                      method: FETCH
                      expect:
                        status: 600
                        json: { "done": true }
                        latencyBudget: fast
            """),
            .at(pipelinePath, 8, 17, "'path' must start with '/', found \"health\""),
            .at(pipelinePath, 9, 19, "unknown HTTP method \"FETCH\"; expected one of: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"),
            .at(pipelinePath, 11, 21, "'status' in 'expect' of a smoke request must be between 100 and 599, found 600"),
            .at(pipelinePath, 12, 21, "expected \(JSONPath.expectation), found \"done\""),
            .at(pipelinePath, 13, 28, "expected \(SpecDuration.expectation) for 'latencyBudget' in 'expect' of a smoke request, found the string \"fast\"")),
        .pipeline("a smoke check without requests", pipeline("""
              checks:
                smoke: { smoke: [] }
            """),
            .at(pipelinePath, 6, 21, "a smoke check needs at least one request")),
        .pipeline("two smoke requests with one name", pipeline("""
              checks:
                smoke:
                  smoke:
                    - { name: health, path: /health }
                    - { name: health, path: /ready }
            """),
            .at(pipelinePath, 9, 11, "duplicate smoke request name 'health'; it is already used at pipelines/p.yaml:8:11")),
        .pipeline("a check that is both smoke and drift", pipeline("""
              checks:
                both:
                  smoke: [ { path: / } ]
                  drift: { prompts: [hi] }
            """),
            .at(pipelinePath, 7, 7, "check 'both' needs exactly one of 'smoke' or 'drift'")),
        .pipeline("a check with an invalid name", pipeline("""
              checks:
                Smoke_Test: { smoke: [ { path: / } ] }
            """),
            .at(pipelinePath, 6, 5, "check name must be \(SpecMetadata.nameExpectation), found \"Smoke_Test\"")),
        .pipeline("a drift check without prompts and a bound above 1", pipeline("""
              checks:
                drift:
                  drift:
                    prompts: []
                    maxDivergence: 1.5
            """),
            .at(pipelinePath, 8, 18, "a drift check needs at least one prompt"),
            .at(pipelinePath, 9, 24, "'maxDivergence' must be between 0 and 1, found 1.5")),
        .pipeline("checks given as a list", pipeline("""
              checks: [smoke]
            """),
            .at(pipelinePath, 5, 11, "expected a mapping for 'checks' in the spec of a Pipeline, found a list")),
    ]

    static let analysisMistakes: [SpecMistake] = [
        .pipeline("metrics without bounds or with min above max", pipeline("""
              analyses:
                errors:
                  samples: 0
                  metrics:
                    - { name: errors, query: errors_total }
                    - { name: latency, query: p95_seconds, min: 2, max: 1 }
            """),
            .at(pipelinePath, 7, 16, "'samples' in analysis 'errors' must be between 1 and 1000, found 0"),
            .at(pipelinePath, 9, 11, "a metric needs a bound: 'min', 'max' or both"),
            .at(pipelinePath, 10, 53, "'min' (2.0) is greater than 'max' (1.0)")),
        .pipeline("an analysis without metrics", pipeline("""
              analyses:
                errors: { metrics: [] }
            """),
            .at(pipelinePath, 6, 24, "an analysis needs at least one metric")),
        .pipeline("an analysis with an invalid name", pipeline("""
              analyses:
                Errors: { metrics: [ { name: errors, query: errors_total, max: 0 } ] }
            """),
            .at(pipelinePath, 6, 5, "analysis name must be \(SpecMetadata.nameExpectation), found \"Errors\"")),
    ]

    @Test(arguments: sourceAndBuildMistakes)
    func sourceAndBuild(_ mistake: SpecMistake) {
        mistake.check()
    }

    @Test(arguments: scanMistakes)
    func scan(_ mistake: SpecMistake) {
        mistake.check()
    }

    @Test(arguments: checkMistakes)
    func checks(_ mistake: SpecMistake) {
        mistake.check()
    }

    @Test(arguments: analysisMistakes)
    func analyses(_ mistake: SpecMistake) {
        mistake.check()
    }

    @Test func scanOptionsDecode() throws {
        let set = try loadSpecs(ExampleSpecs.environments + [.yaml(pipelinePath, Self.pipeline("""
              scan:
                - { scanner: grype, failOn: CRITICAL, ignoreUnfixed: true, optional: true }
                - { scanner: sarif, report: reports/scan.sarif }
                - { sbom: syft, optional: true }
            """))])
        let scan = try #require(set.pipeline(named: "p")?.scan)
        let file = pipelinePath
        #expect(scan == [
            .vulnerabilities(VulnerabilityScan(
                scanner: .grype, location: .init(file: file, line: 6, column: 7), failOn: .critical,
                ignoreUnfixed: true, ignoreFile: nil, optional: true
            )),
            .vulnerabilities(VulnerabilityScan(scanner: .sarif, location: .init(file: file, line: 7, column: 7), report: "reports/scan.sarif")),
            .sbom(SBOMScan(tool: .syft, location: .init(file: file, line: 8, column: 7), optional: true)),
        ])
    }

    @Test func severitiesAreOrderedLowestFirst() {
        #expect(Severity.allCases.sorted() == [.negligible, .low, .medium, .high, .critical])
        #expect(Severity.medium < .high)
        #expect(!(Severity.critical < .low))
    }
}
