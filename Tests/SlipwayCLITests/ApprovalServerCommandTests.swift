import Foundation
import SlipwayLedger
import SlipwayTestSupport
import Testing

/// `slipway approve`, `reject` and `pending` with `--server URL` (or `$SLIPWAY_SERVER`): through
/// a real `slipway serve`'s HTTP API with the caller's token, printing what they print against
/// the database, and the server's refusals as one `error:` line.
@Suite("slipway approve, reject and pending --server", .serialized)
struct ApprovalServerCommandTests {
    /// Starts `slipway serve` on the database (its pipeline, `app`, is not the seeded run's, so
    /// its watcher leaves that run alone) and runs `body` with the server's base URL.
    /// The server signs checkpoints with `signingKey` (give the CLI the same key, or it finds the
    /// server's approvals unbound).
    static func withServer(
        _ configuration: DatabaseConfiguration, signingKey: String? = nil, _ body: (String) async throws -> Void
    ) async throws {
        let repository = try TemporaryGitRepository()
        try repository.write("pipelines/app.yaml", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: app }
            spec:
              source: { branch: main, paths: ["src/**"] }
              build:
                - { name: compile, run: ["false"], timeout: 1m, produces: { binary: "app" } }
              stages:
                - environment: dev
                  strategy: { blueGreen: {} }
            """)
        try repository.write("environments/dev.yaml", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: dev }
            spec:
              order: 1
              target: { local: { port: 29418 } }
            """)
        try repository.write("src/app.txt", "v0\n")
        try repository.commit("The app and its pipeline")
        let state = try TemporaryDirectory(prefix: "slipway-serve-cli")
        let common = ["--repo", repository.path, "--database-url", configuration.url, "--state-dir", state.path]
        defer { _ = try? SlipwayBinary.run(["down"] + common) }
        try await BackgroundProcess.withProcess(
            executable: try SlipwayBinary.path(),
            arguments: ["serve", "--listen", "127.0.0.1:0", "--interval", "1h"] + common + (signingKey.map { ["--signing-key", $0] } ?? []),
            announcement: "listening on ", startupTimeout: .seconds(60)
        ) { server in
            try await body("http://127.0.0.1:\(server.port)")
        }
    }

    @Test("approve, reject and pending through slipway serve print what they print against the database; refusals are one error line with the server's reason")
    func throughTheServer() async throws {
        try await TestDatabase.withFreshDatabase { configuration in
            let promotion = try await ApprovalCommandTests.seedWaitingGate(configuration)
            // One signing key for the server and the CLI, as for one runner's state directory.
            let keys = try TemporaryDirectory(prefix: "signing")
            let signingKey = keys.path("ledger-signing.key")
            let database = ["--database-url", configuration.url, "--signing-key", signingKey]
            let id = String(promotion)
            let what = "promotion \(id) (model-serve-aaaaaaaaaaaa to staging)"
            let ada = try ApprovalCommandTests.token("ada", ["release-managers"], database)
            let grace = try ApprovalCommandTests.token("grace", ["release-managers"], database)
            let dev = try ApprovalCommandTests.token("dev", ["devs"], database)
            let rita = try ApprovalCommandTests.token("rita", ["release-managers"], database)
            #expect(try SlipwayBinary.run(["token", "revoke", "4"] + database).status == 0)

            try await Self.withServer(configuration, signingKey: signingKey) { url in
                let server = ["--server", url]
                let before = try SlipwayBinary.run(["pending", "--output", "json"] + database)
                let served = try SlipwayBinary.run(["pending", "--output", "json"] + server, environment: ["SLIPWAY_TOKEN": grace])
                #expect(served.status == 0, "\(served.stderr)")
                #expect(served.stdout == before.stdout, "through the server:\n\(served.stdout)\nfrom the database:\n\(before.stdout)")

                let own = try SlipwayBinary.run(["approve", id] + server, environment: ["SLIPWAY_TOKEN": ada])
                #expect(own.status == 1)
                #expect(own.stdout.isEmpty)
                #expect(own.stderr == "error: \(what): ada may not approve this release: ada wrote the commit (the approval policy forbids self-approval)\n", "\(own.stderr)")

                let approved = try SlipwayBinary.run(["approve", id, "--comment", "canary looks fine"] + server, environment: ["SLIPWAY_TOKEN": grace])
                #expect(approved.status == 0, "\(approved.stderr)")
                #expect(approved.stdout == """
                    \(what): approved by grace: canary looks fine
                    gate: waiting: frozen until 2099-01-01 00:00 UTC: the test freeze · approvals: 1 of 2 (needs group release-managers); grace approved

                    """, "\(approved.stdout)")

                // The table, from the server and from the database (the time at the gate may tick between them).
                let table = try SlipwayBinary.run(["pending", "--token", grace] + server)
                #expect(table.status == 0, "\(table.stderr)")
                let lines = table.stdout.split(separator: "\n").map(String.init)
                #expect(lines.first?.hasPrefix("promotion \(id): model-serve-aaaaaaaaaaaa to staging (pipeline model-serve), at its gate for ") == true, "\(table.stdout)")
                #expect(lines.contains("  approvals: 1 of 2 (needs group release-managers); grace approved"), "\(table.stdout)")
                #expect(lines.contains { $0.hasPrefix("  approved by grace at ") && $0.hasSuffix(": canary looks fine") }, "\(table.stdout)")
                let direct = try SlipwayBinary.run(["pending"] + database).stdout.split(separator: "\n").map(String.init)
                #expect(Array(lines.dropFirst()) == Array(direct.dropFirst()), "\(table.stdout)")

                // $SLIPWAY_SERVER instead of --server.
                let rejected = try SlipwayBinary.run(
                    ["reject", id, "--comment", "error budget spent"], environment: ["SLIPWAY_TOKEN": grace, "SLIPWAY_SERVER": url + "/"]
                )
                #expect(rejected.stdout == """
                    \(what): rejected by grace: error budget spent
                    gate: rejected by grace: error budget spent; the promotion fails (it moved no traffic)

                    """, "\(rejected.stdout)\(rejected.stderr)")

                let notReader = try SlipwayBinary.run(["pending"] + server, environment: ["SLIPWAY_TOKEN": dev])
                #expect(notReader.status == 1)
                #expect(notReader.stderr == "error: reading this needs a token in one of the groups auditors, release-managers; dev is in the groups devs\n", "\(notReader.stderr)")
                let revoked = try SlipwayBinary.run(["approve", id] + server, environment: ["SLIPWAY_TOKEN": rita])
                #expect(revoked.status == 1 && revoked.stderr.hasPrefix("error: token 4 (rita) was revoked on "), "\(revoked.stderr)")
                #expect(revoked.stderr.split(separator: "\n").count == 1, "\(revoked.stderr)")
                let noToken = try SlipwayBinary.run(["pending"] + server)
                #expect(noToken.status == 1)
                #expect(noToken.stderr.hasPrefix("error: reading the pending gates from a server needs your API token: set SLIPWAY_TOKEN or pass --token"), "\(noToken.stderr)")
                let unknown = try SlipwayBinary.run(["approve", "999"] + server, environment: ["SLIPWAY_TOKEN": grace])
                #expect(unknown.status == 1 && unknown.stderr.hasPrefix("error: there is no promotion 999"), "\(unknown.stderr)")

                let both = try SlipwayBinary.run(["pending"] + server + database, environment: ["SLIPWAY_TOKEN": grace])
                #expect(both.status == 1 && both.stderr.contains("--server and --database-url both say where to go; give one"), "\(both.stderr)")
                // An explicit --database-url beats $SLIPWAY_SERVER.
                let preferred = try SlipwayBinary.run(["pending", "--output", "json"] + database, environment: ["SLIPWAY_SERVER": "http://127.0.0.1:1"])
                #expect(preferred.status == 0, "\(preferred.stderr)")
            }

            let kinds = try await TestDatabase.column(
                "SELECT kind || ' ' || actor FROM events WHERE kind LIKE 'approval.%' ORDER BY seq", on: configuration
            )
            #expect(kinds == ["approval.approved grace", "approval.rejected grace"])
        }
    }

    @Test("an unreachable server or a URL that is not one is one error line, exit 1")
    func unreachable() throws {
        let token = "slw_" + String(repeating: "A", count: 43)
        let refused = try SlipwayBinary.run(["approve", "1", "--server", "http://127.0.0.1:1"], environment: ["SLIPWAY_TOKEN": token])
        #expect(refused.status == 1)
        #expect(refused.stderr == "error: cannot reach slipway serve at http://127.0.0.1:1: connection refused\n", "\(refused.stderr)")
        let notURL = try SlipwayBinary.run(["pending", "--server", "ftp://example.com"], environment: ["SLIPWAY_TOKEN": token])
        #expect(notURL.status == 1)
        #expect(notURL.stderr.hasPrefix("error: --server ftp://example.com: give the server's base URL, such as http://127.0.0.1:8080"), "\(notURL.stderr)")
    }
}
