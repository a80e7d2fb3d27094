import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import SlipwayLedger
import SlipwayTestSupport
import Testing

extension SlipwayServe {
    /// `/healthz`, `/metrics`, `/openapi.json`, TLS and shutdown of a real `slipway serve`.
    @Suite("operations")
    struct OperationsTests {
        @Test("/healthz is 200 while the database answers and 503 when it stops answering")
        func health() async throws {
            try await ServeFixture.with(waitForFirstRun: false) { fixture in
                let healthy = try await fixture.send(.GET, "/healthz")
                #expect(healthy.status == 200, "\(healthy.body)")
                let body = try healthy.json()
                #expect(body["status"] as? String == "ok")
                #expect(body["schemaVersion"] as? Int == LedgerSchema.latestVersion)

                // The database refuses new connections and drops the server's.
                let name = fixture.database.database
                try await TestDatabase.execute(
                    "ALTER DATABASE \(name) ALLOW_CONNECTIONS false",
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)' AND pid <> pg_backend_pid()",
                    on: try TestDatabase.server()
                )
                let down = try await fixture.send(.GET, "/healthz")
                #expect(down.status == 503, "\(down.body)")
                #expect(try down.json()["status"] as? String == "unavailable")
                #expect(down.elapsed < .seconds(5))
                try await TestDatabase.execute("ALTER DATABASE \(name) ALLOW_CONNECTIONS true", on: try TestDatabase.server())
                let back = try await ServeFixture.eventually { try await fixture.send(.GET, "/healthz").status == 200 }
                #expect(back, "/healthz did not recover")
            }
        }

        @Test("/metrics counts deliveries by outcome, runs started and build step durations")
        func metrics() async throws {
            try await ServeFixture.with { fixture in
                let tip = try fixture.commitChange()
                #expect(try await fixture.github(event: "push", body: ServeFixture.githubPush()).status == 202)
                #expect(try await fixture.github(event: "push", body: ServeFixture.githubPush(), signature: .some("sha256=00")).status == 401)
                #expect(try await fixture.gitlab(body: #"{"ref": "refs/heads/other"}"#).status == 202)
                #expect(try await fixture.waitForRun(of: tip) != nil)

                var text = ""
                let counted = try await ServeFixture.eventually {
                    text = try await fixture.send(.GET, "/metrics").body
                    return text.contains(#"slipway_runs_started_total{resumed="false"} 2"#)
                }
                #expect(counted, "\(text)")
                for line in [
                    #"slipway_webhook_deliveries_total{provider="github",outcome="triggered"} 1"#,
                    #"slipway_webhook_deliveries_total{provider="github",outcome="unauthorized"} 1"#,
                    #"slipway_webhook_deliveries_total{provider="gitlab",outcome="ignored"} 1"#,
                    #"slipway_webhook_deliveries_total{provider="gitlab",outcome="duplicate"} 0"#,
                    #"slipway_step_duration_seconds_count{kind="build",environment="",status="failed"} 2"#,
                    #"slipway_http_requests_total{route="/hooks/github",status="202"} 1"#,
                    "# TYPE slipway_http_request_duration_seconds histogram",
                ] {
                    #expect(text.contains(line), "missing \(line)")
                }
                let answer = try await fixture.send(.GET, "/metrics")
                #expect(answer.status == 200)
            }
        }

        @Test("/openapi.json describes every route the server answers")
        func openAPI() async throws {
            try await ServeFixture.with(waitForFirstRun: false) { fixture in
                let answer = try await fixture.send(.GET, "/openapi.json")
                #expect(answer.status == 200)
                let document = try answer.json()
                #expect(document["openapi"] as? String == "3.1.0")
                let paths = try #require(document["paths"] as? [String: Any])
                let audit = ["/api/v1/audit/verify", "/api/v1/promotions", "/api/v1/promotions/export", "/api/v1/promotions/{id}", "/api/v1/runs"]
                let approvals = ["/api/v1/pending", "/api/v1/promotions/{id}/approvals"]
                let web = ["/ui/history", "/ui/login", "/ui/logout", "/ui/pending", "/ui/promotions/{id}/decision"]
                #expect(paths.keys.sorted() == (["/healthz", "/hooks/github", "/hooks/gitlab", "/metrics", "/openapi.json"] + audit + approvals + web).sorted())
                // Every reference resolves.
                let schemas = ((document["components"] as? [String: Any])?["schemas"] as? [String: Any]) ?? [:]
                for reference in answer.body.matches(of: /"#\/components\/schemas\/([A-Za-z]+)"/) {
                    #expect(schemas[String(reference.1)] != nil, "\(reference.1) is referenced but not defined")
                }
                // Every operation's tag is declared, once, with a description.
                let declared = (document["tags"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                #expect(Set(declared).count == declared.count)
                let used = Set(paths.values.flatMap { item in
                    (item as? [String: Any] ?? [:]).values.flatMap { (($0 as? [String: Any])?["tags"] as? [String]) ?? [] }
                })
                #expect(used == Set(declared), "used \(used.sorted()), declared \(declared)")
                let unknown = try await fixture.send(.GET, "/api/v1/nothing")
                #expect(unknown.status == 404)
                #expect(unknown.code == "not_found")
            }
        }

        @Test("SIGTERM: the server stops accepting, the watcher stops, and the process exits 0")
        func gracefulShutdown() async throws {
            try await ServeFixture.with { fixture in
                let health = try await fixture.send(.GET, "/healthz")
                #expect(health.status == 200)
                await fixture.server.stop(grace: .seconds(20))
                #expect(fixture.server.terminationStatus == 0, "\(fixture.server.output)")
                #expect(fixture.server.output.contains("stopped serving"))
                #expect(!BackgroundProcess.portAnswers(fixture.server.port))
            }
        }

        @Test("with --tls-certificate and --tls-key the server speaks HTTPS; the flags go together")
        func tls() async throws {
            let scratch = try TemporaryDirectory(prefix: "slipway-tls")
            let certificate = scratch.path("cert.pem"), key = scratch.path("key.pem")
            let openssl = Process()
            openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            openssl.arguments = [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
                "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            ]
            openssl.standardOutput = FileHandle.nullDevice
            openssl.standardError = FileHandle.nullDevice
            try openssl.run()
            openssl.waitUntilExit()
            #expect(openssl.terminationStatus == 0)

            try await ServeFixture.with(arguments: ["--tls-certificate", certificate, "--tls-key", key], waitForFirstRun: false) { fixture in
                #expect(fixture.server.output.contains("listening on https://127.0.0.1:"))
                var tls = TLSConfiguration.makeClientConfiguration()
                tls.trustRoots = .file(certificate)
                let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
                do {
                    let answer = try await ServeFixture.send(.GET, "https://127.0.0.1:\(fixture.server.port)/healthz", client: client)
                    #expect(answer.status == 200)
                    await #expect(throws: (any Error).self) {
                        _ = try await ServeFixture.send(.GET, "http://127.0.0.1:\(fixture.server.port)/healthz")
                    }
                    try await client.shutdown()
                } catch {
                    try await client.shutdown()
                    throw error
                }
            }

            let half = try SlipwayBinary.run(["serve", "--listen", "127.0.0.1:0", "--tls-certificate", certificate])
            #expect(half.status == 64)
            #expect(half.stderr.contains("--tls-key"))
            let badListen = try SlipwayBinary.run(["serve", "--listen", "localhost"])
            #expect(badListen.status == 64)
            #expect(badListen.stderr.contains("HOST:PORT"))
        }
    }
}

extension ServeFixture {
    /// Polls until `condition` holds or `limit` passes; returns whether it held.
    static func eventually(within limit: Duration = .seconds(15), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }
}
