import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTestSupport
import Testing

@Suite("slipway db, history and audit against a real PostgreSQL")
struct LedgerCommandTests {
    /// Records promotions the way the engine will: runs, promotions, moves, each with its event.
    static func seed(_ configuration: DatabaseConfiguration) async throws {
        try await Ledger.withLedger(configuration, logger: TestDatabase.logger) { ledger in
            for (index, environment) in ["dev", "staging", "prod"].enumerated() {
                try await ledger.transaction { tx in
                    let run = try await tx.createRun(NewRun(
                        pipeline: "model-serve", commitSHA: String(repeating: "\(index + 1)", count: 40), branch: "main",
                        trigger: .manual, triggeredBy: index == 2 ? "grace" : "ada"
                    )).run
                    let promotion = try await tx.createPromotion(
                        run: run, environment: environment, releaseID: "model-serve-\(index + 1)",
                        strategy: environment == "staging" ? "canary" : "blueGreen", actor: run.triggeredBy
                    )
                    try await tx.movePromotion(id: promotion.id, to: .progressing, actor: "slipway")
                    try await tx.movePromotion(
                        id: promotion.id, to: environment == "staging" ? .rolledBack : .succeeded, actor: "slipway",
                        reason: environment == "staging" ? "analysis failed: error-rate 0.07 > 0.01, \"p95\" ok" : nil
                    )
                }
            }
        }
    }

    @Test("history as CSV quotes a reason holding a CRLF line break (Swift's one Character for \\r\\n included)")
    func csvQuotesCRLF() async throws {
        try await TestDatabase.withFreshDatabase { configuration in
            try await Ledger.withLedger(configuration, logger: TestDatabase.logger) { ledger in
                try await ledger.transaction { tx in
                    let run = try await tx.createRun(NewRun(
                        pipeline: "model-serve", commitSHA: String(repeating: "7", count: 40), branch: "main", trigger: .manual, triggeredBy: "ada"
                    )).run
                    let promotion = try await tx.createPromotion(run: run, environment: "dev", releaseID: "model-serve-7", strategy: "blueGreen", actor: "ada")
                    try await tx.movePromotion(id: promotion.id, to: .progressing, actor: "slipway")
                    try await tx.movePromotion(id: promotion.id, to: .failed, actor: "slipway", reason: "first line\r\nsecond line")
                }
            }
            let csv = try SlipwayBinary.run(["history", "--database-url", configuration.url, "--output", "csv"])
            #expect(csv.status == 0, "\(csv.stderr)")
            #expect(csv.stdout.hasSuffix(",\"first line\r\nsecond line\"\n"), "\(csv.stdout.debugDescription)")
        }
    }

    @Test("db migrate applies the schema once, then says there is nothing to do")
    func migrate() async throws {
        try await TestDatabase.withFreshDatabase { configuration in
            let first = try SlipwayBinary.run(["db", "migrate", "--database-url", configuration.url])
            #expect(first.status == 0, "\(first.stderr)")
            let versions = LedgerSchema.migrations.map { String($0.version) }.joined(separator: ", ")
            #expect(first.stdout == "applied migrations \(versions); schema is at version \(LedgerSchema.latestVersion)\n")
            let second = try SlipwayBinary.run(["db", "migrate"], environment: ["DATABASE_URL": configuration.url])
            #expect(second.stdout == "schema is at version \(LedgerSchema.latestVersion); nothing to apply\n")
            let status = try SlipwayBinary.run(["db", "status", "--database-url", configuration.url, "--output", "json"])
            let report = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
            #expect(report?["schemaVersion"] as? Int == LedgerSchema.latestVersion)
            #expect((report?["database"] as? String)?.contains(configuration.password ?? "\u{0}") == false)
        }
    }

    @Test("history as a table, JSON and CSV, with filters and a cursor")
    func history() async throws {
        try await TestDatabase.withFreshDatabase { configuration in
            try await Self.seed(configuration)
            let table = try SlipwayBinary.run(["history", "--database-url", configuration.url])
            #expect(table.status == 0, "\(table.stderr)")
            let lines = table.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 4)
            #expect(lines[0].hasPrefix("ID  PIPELINE     ENVIRONMENT  STATUS       COMMIT        RELEASE"))
            #expect(lines[1].hasPrefix("3   model-serve  prod         succeeded    333333333333  model-serve-3"))
            #expect(lines[2].contains("rolled_back") && lines[2].contains("analysis failed"))

            let json = try SlipwayBinary.run(["history", "--database-url", configuration.url, "--env", "staging", "--output", "json"])
            let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            let promotions = report?["promotions"] as? [[String: Any]] ?? []
            #expect(promotions.count == 1)
            #expect(promotions.first?["status"] as? String == "rolled_back")
            #expect(promotions.first?["commitSHA"] as? String == String(repeating: "2", count: 40))

            let csv = try SlipwayBinary.run(["history", "--database-url", configuration.url, "--output", "csv", "--env", "staging"])
            let rows = csv.stdout.split(separator: "\n").map(String.init)
            #expect(rows.count == 2)
            #expect(rows[0] == "ID,PIPELINE,ENVIRONMENT,STATUS,COMMIT,RELEASE,STRATEGY,BY,CREATED,FINISHED,REASON")
            #expect(rows[1].hasSuffix(#","analysis failed: error-rate 0.07 > 0.01, ""p95"" ok""#))

            let byActor = try SlipwayBinary.run(["history", "--database-url", configuration.url, "--actor", "grace", "--output", "json"])
            let actorReport = try JSONSerialization.jsonObject(with: Data(byActor.stdout.utf8)) as? [String: Any]
            #expect((actorReport?["promotions"] as? [[String: Any]])?.map { $0["environment"] as? String } == ["prod"])

            let page = try SlipwayBinary.run(["history", "--database-url", configuration.url, "--limit", "2"])
            #expect(page.stdout.split(separator: "\n").count == 3)
            #expect(page.stderr.contains("more: slipway history --cursor p2"))
            let rest = try SlipwayBinary.run(["history", "--database-url", configuration.url, "--limit", "2", "--cursor", "p2"])
            #expect(rest.stdout.split(separator: "\n").count == 2)
            #expect(rest.stdout.contains("model-serve-1"))

            let none = try SlipwayBinary.run(["history", "--database-url", configuration.url, "--since", "2099-01-01"])
            #expect(none.stdout == "no promotions match\n")

            let badStatus = try SlipwayBinary.run(["history", "--database-url", configuration.url, "--status", "done"])
            #expect(badStatus.status != 0)
            #expect(badStatus.stderr.contains("unknown status 'done'"))
            #expect(!badStatus.looksLikeACrash)
        }
    }

    @Test("audit verify passes on an untouched ledger and names the altered event after tampering")
    func auditVerify() async throws {
        try await TestDatabase.withFreshDatabase { configuration in
            try await Self.seed(configuration)
            // The seed appends without a key: its events predate any checkpoint, which verify notes.
            let state = try TemporaryDirectory()
            _ = try LedgerSigningKey.loadOrCreate(at: state.path("ledger-signing.key"))
            let ok = try SlipwayBinary.run(["audit", "verify", "--database-url", configuration.url, "--state-dir", state.path])
            #expect(ok.status == 0, "\(ok.stderr)")
            let lines = ok.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first == "ok: 12 events verified, chain intact")
            #expect(lines.contains("note: events 1–12 predate the first signed checkpoint: only the hash chain covers them"))
            let head = String(lines.first { $0.hasPrefix("head: ") }?.dropFirst("head: ".count) ?? "")
            #expect(head.count == 64)
            #expect(try SlipwayBinary.run(["audit", "verify", "--database-url", configuration.url, "--state-dir", state.path, "--expect-head", head]).status == 0)

            try await TestDatabase.execute(
                "SET session_replication_role = replica",
                "UPDATE events SET payload = replace(payload, 'rolled_back', 'succeeded') WHERE kind = 'promotion.status' AND payload LIKE '%rolled_back%'",
                on: configuration
            )
            let broken = try SlipwayBinary.run(["audit", "verify", "--database-url", configuration.url, "--state-dir", state.path, "--output", "json"])
            #expect(broken.status == 1)
            let report = try JSONSerialization.jsonObject(with: Data(broken.stdout.utf8)) as? [String: Any]
            #expect(report?["intact"] as? Bool == false)
            let firstBreak = report?["firstBreak"] as? [String: Any]
            #expect(firstBreak?["seq"] as? Int == 8)

            let text = try SlipwayBinary.run(["audit", "verify", "--database-url", configuration.url, "--state-dir", state.path])
            #expect(text.stdout.hasPrefix("chain broken at event 8: the stored hash does not match the row's contents"))

            // Events removed from the end leave an intact but shorter chain: the recorded head catches it.
            try await TestDatabase.execute("SET session_replication_role = replica", "DELETE FROM events WHERE seq >= 5", on: configuration)
            let truncated = try SlipwayBinary.run(["audit", "verify", "--database-url", configuration.url, "--state-dir", state.path, "--expect-head", head])
            #expect(truncated.status == 1)
            #expect(truncated.stdout.contains("is not in it"))
        }
    }

    @Test("an unreachable database or a bad URL gives one clear message and exit 1, never the password")
    func unreachable() throws {
        let output = try SlipwayBinary.run(["history", "--database-url", "postgres://app:hunter2@127.0.0.1:1/ledger"])
        #expect(output.status == 1)
        #expect(output.stderr.hasPrefix("error: cannot connect to PostgreSQL at postgres://app@127.0.0.1:1/ledger"))
        #expect(!output.stderr.contains("hunter2"))
        #expect(output.stderr.split(separator: "\n").count == 1)
        #expect(!output.looksLikeACrash)

        let bad = try SlipwayBinary.run(["audit", "verify", "--database-url", "mysql://nope"])
        #expect(bad.status == 1)
        #expect(bad.stderr == "error: the database URL must look like postgres://USER:PASSWORD@HOST:PORT/DATABASE\n")
    }
}
