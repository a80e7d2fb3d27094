import SlipwayCore
import Testing

@Suite("a build step's network and secrets")
struct BuildStepSandboxFieldsTests {
    static func step(_ lines: String) throws -> BuildStep {
        let yaml = """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              source: { branch: main }
              build:
                - name: compile
                  run: [make]
            \(lines)
              stages:
                - environment: dev
                  strategy: { blueGreen: { scaleDownDelay: 30s } }
            """
        return try #require(try loadPipelineWithDev(yaml).build.first)
    }

    @Test("network is off and no secret is named unless the step says so")
    func defaults() throws {
        let step = try Self.step("")
        #expect(step.network == false)
        #expect(step.secrets.isEmpty)
    }

    @Test("network: true and secrets: [NAME, …] are read")
    func read() throws {
        let step = try Self.step("""
                  network: true
                  secrets: [NPM_TOKEN, _OTHER2]
            """)
        #expect(step.network)
        #expect(step.secrets == ["NPM_TOKEN", "_OTHER2"])
    }
}
