import Testing
@testable import SlipwayCore

/// Keys that are not allowed, values of the wrong type, and required keys left out,
/// at every depth of both kinds of spec.
@Suite struct SpecKeyTests {
    static let unknownKeys: [SpecMistake] = [
        .pipeline("misspelled top-level key", """
            apiVersion: slipway/v1
            kind: Pipeline
            metdata: { name: p }
            spec:
              stages: [ { environment: dev, strategy: { blueGreen: } } ]
            """,
            .at(pipelinePath, 1, 1, "missing required key 'metadata' in a spec document"),
            .at(pipelinePath, 3, 1, "unknown key 'metdata' in a spec document; expected one of: apiVersion, kind, metadata, spec (did you mean 'metadata'?)")),
        .pipeline("misspelled key in spec", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              sources: { branch: main }
              stages: [ { environment: dev, strategy: { blueGreen: } } ]
            """,
            .at(pipelinePath, 5, 3, "unknown key 'sources' in the spec of a Pipeline; expected one of: source, build, scan, model, checks, analyses, stages (did you mean 'source'?)")),
        .pipeline("misspelled key in a stage", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages:
                - environment: dev
                  strategy: { blueGreen: }
                  check: [smoke]
            """,
            .at(pipelinePath, 8, 7, "unknown key 'check' in a stage; expected one of: environment, after, strategy, checks (did you mean 'checks'?)")),
        .pipeline("autopromote instead of autoPromote", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages:
                - environment: dev
                  strategy: { blueGreen: { autopromote: true } }
            """,
            .at(pipelinePath, 7, 32, "unknown key 'autopromote' in blueGreen; expected one of: autoPromote, previewChecks, scaleDownDelay (did you mean 'autoPromote'?)")),
        .pipeline("misspelled key in a canary step", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages:
                - environment: dev
                  strategy:
                    canary:
                      steps:
                        - setweight: 10
            """,
            .at(pipelinePath, 10, 15, "unknown key 'setweight' in a canary step; expected one of: setWeight, pause, analysis (did you mean 'setWeight'?)"),
            .at(pipelinePath, 10, 15, "a canary step needs exactly one of 'setWeight', 'pause' or 'analysis', found none")),
        .pipeline("misspelled key in the expectation of a smoke request", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              checks:
                smoke:
                  smoke:
                    - path: /health
                      expect:
                        stauts: 204
              stages: [ { environment: dev, strategy: { blueGreen: }, checks: [smoke] } ]
            """,
            .at(pipelinePath, 10, 13, "unknown key 'stauts' in 'expect' of a smoke request; expected one of: status, json, latencyBudget (did you mean 'status'?)")),
        .environment("misspelled key in a local target", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: dev }
            spec:
              order: 1
              target:
                local: { ports: 18080 }
            """,
            .at(environmentPath, 7, 12, "missing required key 'port' in local target"),
            .at(environmentPath, 7, 14, "unknown key 'ports' in local target; expected one of: port (did you mean 'port'?)")),
        .environment("misspelled key in approvals", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: prod }
            spec:
              order: 3
              target: { local: { port: 18082 } }
              approvals:
                require: 2
                approvers: ["group:release-managers"]
            """,
            .at(environmentPath, 8, 5, "unknown key 'require' in approvals; expected one of: required, approvers, forbidSelfApproval, expiresAfter (did you mean 'required'?)"),
            .at(environmentPath, 8, 5, "missing required key 'required' in approvals")),
        .environment("unknown key with nothing close to it", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: dev }
            spec:
              order: 1
              colour: blue
              target: { local: { port: 18080 } }
            """,
            .at(environmentPath, 6, 3, "unknown key 'colour' in the spec of an Environment; expected one of: order, target, ollama, approvals, freeze, breakGlass, drift")),
    ]

    static let wrongTypes: [SpecMistake] = [
        .pipeline("a string where a list of checks is expected", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              checks:
                smoke: { smoke: [ { path: / } ] }
              stages:
                - environment: dev
                  strategy: { blueGreen: }
                  checks: smoke
            """,
            .at(pipelinePath, 10, 15, "expected a list of strings for 'checks' in a stage, found the string \"smoke\"")),
        .pipeline("a string where a list of paths is expected", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              source: { paths: "Sources/**" }
              stages: [ { environment: dev, strategy: { blueGreen: } } ]
            """,
            .at(pipelinePath, 5, 20, "expected a list of strings for 'paths' in source, found the string \"Sources/**\"")),
        .pipeline("a list inside a list of strings", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              source: { paths: ["Sources/**", [k8s]] }
              stages: [ { environment: dev, strategy: { blueGreen: } } ]
            """,
            .at(pipelinePath, 5, 35, "expected a string in the list 'paths' of source, found a list")),
        .pipeline("a mapping where the environment name is expected", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages:
                - environment: { name: dev }
                  strategy: { blueGreen: }
            """,
            .at(pipelinePath, 6, 20, "expected a string for 'environment' in a stage, found a mapping")),
        .pipeline("a mapping where the pipeline name is expected", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata:
              name:
                first: model
            spec:
              stages: [ { environment: dev, strategy: { blueGreen: } } ]
            """,
            .at(pipelinePath, 5, 5, "expected a string for 'name' in metadata, found a mapping")),
        .pipeline("approval: maybe", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages:
                - environment: dev
                  strategy: { blueGreen: }
                - environment: staging
                  after: { stage: dev, approval: maybe }
                  strategy: { blueGreen: }
            """,
            .at(pipelinePath, 9, 38, "expected true or false for 'approval' in 'after' of a stage, found the string \"maybe\"")),
        .pipeline("a YAML 1.1 yes where true or false is expected", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages:
                - environment: dev
                  strategy: { blueGreen: { autoPromote: yes } }
            """,
            .at(pipelinePath, 7, 45, "expected true or false for 'autoPromote' in blueGreen, found a boolean (yes)")),
        .pipeline("a mapping where the list of stages is expected", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages:
                dev: { strategy: { blueGreen: } }
            """,
            .at(pipelinePath, 6, 5, "expected a list for 'stages' in the spec of a Pipeline, found a mapping")),
        .pipeline("a list where the strategy mapping is expected", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages:
                - environment: dev
                  strategy: [blueGreen]
            """,
            .at(pipelinePath, 7, 17, "expected a strategy as a mapping, found a list")),
        .environment("a word where the order number is expected", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: dev }
            spec:
              order: first
              target: { local: { port: 18080 } }
            """,
            .at(environmentPath, 5, 10, "expected a whole number for 'order' in the spec of an Environment, found the string \"first\"")),
        .environment("a quoted number where a port is expected", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: dev }
            spec:
              order: 1
              target: { local: { port: "18080" } }
            """,
            .at(environmentPath, 6, 28, "expected a whole number for 'port' in local target, found the string \"18080\"")),
        .environment("a string where the endpoints list is expected", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: dev }
            spec:
              order: 1
              target: { local: { port: 18080 } }
              ollama: { endpoints: http://127.0.0.1:11434 }
            """,
            .at(environmentPath, 7, 24, "expected a list of strings for 'endpoints' in ollama, found the string \"http://127.0.0.1:11434\"")),
        .environment("a quoted boolean where true or false is expected", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: dev }
            spec:
              order: 1
              target: { local: { port: 18080 } }
              drift: { selfHeal: "true" }
            """,
            .at(environmentPath, 7, 22, "expected true or false for 'selfHeal' in drift, found the string \"true\"")),
    ]

    static let missingKeys: [SpecMistake] = [
        .environment("an environment without order or target", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: dev }
            spec:
              ollama: { endpoints: ["http://127.0.0.1:11434"] }
            """,
            .at(environmentPath, 5, 3, "missing required key 'order' in the spec of an Environment"),
            .at(environmentPath, 5, 3, "missing required key 'target' in the spec of an Environment")),
        .pipeline("a pipeline without stages", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              source: { branch: main }
            """,
            .at(pipelinePath, 5, 3, "missing required key 'stages' in the spec of a Pipeline")),
        .pipeline("a stage without a strategy", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages:
                - environment: dev
                  checks: []
            """,
            .at(pipelinePath, 6, 7, "missing required key 'strategy' in a stage")),
        .pipeline("a stage without an environment", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages:
                - strategy: { blueGreen: }
            """,
            .at(pipelinePath, 6, 7, "missing required key 'environment' in a stage")),
        .pipeline("a gate without a stage", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages:
                - environment: dev
                  strategy: { blueGreen: }
                - environment: staging
                  after: { soak: 5m }
                  strategy: { blueGreen: }
            """,
            .at(pipelinePath, 9, 14, "missing required key 'stage' in 'after' of a stage")),
        .pipeline("a build step without run, a smoke request without path, a model without name", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              build:
                - name: server
              model: { modelfile: models/Modelfile }
              checks:
                smoke: { smoke: [ { name: health } ] }
              stages: [ { environment: dev, strategy: { blueGreen: } } ]
            """,
            .at(pipelinePath, 6, 7, "missing required key 'run' in a build step"),
            .at(pipelinePath, 7, 10, "missing required key 'name' in model"),
            .at(pipelinePath, 9, 23, "missing required key 'path' in a smoke request of check 'smoke'")),
        .pipeline("a drift check without prompts, a metric without a query", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              checks:
                drift: { drift: { maxDivergence: 0.1 } }
              analyses:
                errors: { metrics: [ { name: errors, max: 0 } ] }
              stages: [ { environment: dev, strategy: { blueGreen: } } ]
            """,
            .at(pipelinePath, 6, 21, "missing required key 'prompts' in drift check 'drift'"),
            .at(pipelinePath, 8, 26, "missing required key 'query' in a metric of analysis 'errors'")),
    ]

    @Test(arguments: unknownKeys)
    func unknownKeyIsReportedAtTheKey(_ mistake: SpecMistake) {
        mistake.check()
    }

    @Test(arguments: wrongTypes)
    func wrongTypeIsReportedAtTheValue(_ mistake: SpecMistake) {
        mistake.check()
    }

    @Test(arguments: missingKeys)
    func missingKeyIsReportedAtItsMapping(_ mistake: SpecMistake) {
        mistake.check()
    }

    @Test(arguments: [
        ("autopromote", "autoPromote"), ("AutoPromote", "autoPromote"), ("previewcheck", "previewChecks"),
        ("scaledowndelay", "scaleDownDelay"), ("atuoPromote", "autoPromote"), ("previewChekcs", "previewChecks"),
    ])
    func closeMisspellingsGetASuggestion(typo: String, suggestion: String) {
        #expect(closestMatch(to: typo, among: ["autoPromote", "previewChecks", "scaleDownDelay"]) == suggestion)
    }

    @Test(arguments: [("nmae", "name", 1), ("prdo", "prod", 1), ("prod", "prod", 0), ("", "dev", 3), ("abc", "cab", 2), ("staging", "stagnig", 1)])
    func editDistanceCountsASwapAsOneEdit(a: String, b: String, distance: Int) {
        #expect(editDistance(a, b) == distance)
        #expect(editDistance(b, a) == distance)
    }

    @Test(arguments: ["promote", "x", "blueGreen", ""])
    func distantWordsGetNoSuggestion(word: String) {
        #expect(closestMatch(to: word, among: ["autoPromote", "previewChecks", "scaleDownDelay"]) == nil)
    }
}
