import Foundation
import SlipwayLedger
import SlipwayTestSupport
import Testing

@Suite("Ledger migrations")
struct MigrationTests {
    @Test("a new database is migrated to the latest version, and a second migrate applies nothing")
    func migrateTwiceIsNoOp() async throws {
        try await withTestLedger { ledger, configuration in
            #expect(try await ledger.schemaVersion() == LedgerSchema.latestVersion)
            let second = try await ledger.migrate()
            #expect(second.applied.isEmpty)
            #expect(second.currentVersion == LedgerSchema.latestVersion)
            let rows = try await TestDatabase.column("SELECT version::text FROM schema_migrations", on: configuration)
            #expect(rows == LedgerSchema.migrations.map { String($0.version) })
            let tables = try await TestDatabase.column(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1", on: configuration
            )
            for table in ["approvals", "artifacts", "checks", "drift_reports", "events", "promotion_steps", "promotions", "runs", "scans"] {
                #expect(tables.contains(table), "missing table \(table)")
            }
        }
    }

    @Test("concurrent starts on a new database migrate once and all succeed")
    func concurrentMigrations() async throws {
        try await TestDatabase.withFreshDatabase { configuration in
            let reports = try await withThrowingTaskGroup(of: MigrationReport.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await Ledger.withLedger(configuration, logger: TestDatabase.logger, schema: .unchecked) { ledger in
                            try await ledger.migrate()
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(reports.count == 6)
            #expect(reports.filter { !$0.applied.isEmpty }.count == 1)
            #expect(reports.allSatisfy { $0.currentVersion == LedgerSchema.latestVersion })
            let rows = try await TestDatabase.column("SELECT count(*)::text FROM schema_migrations", on: configuration)
            #expect(rows == ["\(LedgerSchema.migrations.count)"])
        }
    }

    @Test("a database at a newer schema than this binary knows is refused with a clear message")
    func schemaTooNew() async throws {
        try await withTestLedger { _, configuration in
            try await TestDatabase.execute(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (999, 'from the future', 'x')", on: configuration
            )
            let error = await #expect(throws: LedgerError.self) {
                try await Ledger.withLedger(configuration, logger: TestDatabase.logger) { _ in }
            }
            #expect(error?.code == .schemaTooNew)
            #expect(error?.message.contains("schema version 999") == true)
            #expect(error?.message.contains("upgrade slipway") == true)
        }
    }

    @Test("an applied migration whose text changed is refused")
    func changedMigration() async throws {
        try await withTestLedger { _, configuration in
            try await TestDatabase.execute("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1", on: configuration)
            let error = await #expect(throws: LedgerError.self) {
                try await Ledger.withLedger(configuration, logger: TestDatabase.logger) { _ in }
            }
            #expect(error?.code == .migrationChanged)
        }
    }

    @Test("without migrating, a database behind the binary's schema says to run db migrate")
    func behindSchemaWithoutMigrate() async throws {
        try await TestDatabase.withFreshDatabase { configuration in
            let error = await #expect(throws: LedgerError.self) {
                try await Ledger.withLedger(configuration, logger: TestDatabase.logger, schema: .requireCurrent) { _ in }
            }
            #expect(error?.message.contains("slipway db migrate") == true)
        }
    }

    @Test("an unreachable server is reported with the address, the cause and what to do")
    func unreachable() async throws {
        let configuration = DatabaseConfiguration(host: "127.0.0.1", port: 1, username: "nobody", database: "nothing")
        let error = await #expect(throws: LedgerError.self) {
            try await Ledger.withLedger(configuration, logger: TestDatabase.logger) { _ in }
        }
        #expect(error?.code == .unreachable)
        #expect(error?.description.contains("127.0.0.1:1") == true)
        #expect(error?.description.contains("DATABASE_URL") == true)
        // Refused at once, not a pool that retries until a timeout.
        #expect(error?.cause == "connection refused")
    }

    @Test("database URLs parse, and their description never shows the password")
    func databaseURL() throws {
        let configuration = try DatabaseConfiguration(url: "postgres://app:s%40cret@db.internal:6543/ledger?sslmode=require")
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "app")
        #expect(configuration.password == "s@cret")
        #expect(configuration.database == "ledger")
        #expect(configuration.tls == .require)
        #expect(!configuration.description.contains("s@cret"))
        #expect(throws: LedgerError.self) { try DatabaseConfiguration(url: "mysql://x@y/z") }
        #expect(throws: LedgerError.self) { try DatabaseConfiguration(url: "postgres://localhost/db") }
        #expect(throws: LedgerError.self) { try DatabaseConfiguration(url: "postgres://u@localhost") }
        #expect(throws: LedgerError.self) { try DatabaseConfiguration(url: "postgres://u@localhost/db?sslmode=sometimes") }
    }
}
