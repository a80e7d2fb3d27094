import Foundation
import SlipwayTestSupport

/// Spec files like this repository's own, small enough to read in a test.
enum CLIFixtures {
    static let environments: [String: String] = [
        "environments/dev.yaml": """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: dev }
            spec:
              order: 1
              target: { local: { port: 28080 } }
            """,
        "environments/staging.yaml": """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: staging }
            spec:
              order: 2
              target: { local: { port: 28081 } }
            """,
        "environments/prod.yaml": """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: prod }
            spec:
              order: 3
              target: { local: { port: 28082 } }
              approvals: { required: 2, approvers: ["group:release-managers"], expiresAfter: 24h }
              freeze: [ { from: "Fri 17:00", to: "Mon 08:00", timeZone: "Europe/Berlin" } ]
            """,
    ]

    static let pipeline = """
        apiVersion: slipway/v1
        kind: Pipeline
        metadata: { name: model-serve }
        spec:
          source: { branch: main, paths: ["Sources/**"] }
          build:
            - { name: server, run: ["swift", "build"], produces: { binary: ".build/debug/server" } }
          checks:
            smoke:
              smoke: [ { path: /ready } ]
          stages:
            - environment: dev
              strategy: { blueGreen: { autoPromote: true } }
              checks: [smoke]
            - environment: staging
              after: { stage: dev, soak: 5m }
              strategy: { canary: { steps: [ { setWeight: 10 }, { setWeight: 50 }, { pause: 2m } ] } }
            - environment: prod
              after: { stage: staging, approval: true }
              strategy: { blueGreen: { previewChecks: [smoke] } }
        """

    /// A repository whose HEAD holds valid specs.
    static func validRepository() throws -> TemporaryGitRepository {
        let repo = try TemporaryGitRepository()
        for (path, text) in environments {
            try repo.write(path, text + "\n")
        }
        try repo.write("pipelines/model-serve.yaml", pipeline + "\n")
        try repo.write("README.md", "not a spec\n")
        try repo.commit("Add the release specs")
        return repo
    }
}

extension SlipwayBinary.Output {
    /// A failure a user would see as a crash rather than a message.
    var looksLikeACrash: Bool {
        let text = stdout + stderr
        return text.contains("Fatal error") || text.contains("Stack dump") || text.contains("Current stack trace")
            || status == 132 || status == 134 || status == 139
    }
}
