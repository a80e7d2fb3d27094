import Foundation
import SlipwayLedger
import SlipwayTestSupport
import Testing

@Suite("Embedded PostgreSQL")
struct EmbeddedPostgresTests {
    @Test("is created on first start, reused while running, and restarted on its old port after a stop")
    func lifecycle() async throws {
        let scratch = try TemporaryDirectory(prefix: "slipway-embedded")
        // As root the server runs as an unprivileged user, which must be able to reach the directory.
        chmod(scratch.path, 0o755)
        let server = EmbeddedPostgres(directory: scratch.path("state/postgres"))
        #expect(server.state() == .notCreated)
        let first = try await server.start(logger: TestDatabase.logger)
        defer { Task { try? await server.stop() } }
        guard case .running(let port) = server.state() else {
            Issue.record("the server is not running after start")
            return
        }
        #expect(port == first.port)
        #expect(first.host == "127.0.0.1")
        #expect(first.password?.count == 32)
        let credentials = try FileManager.default.attributesOfItem(atPath: scratch.path("state/postgres/credentials"))
        #expect((credentials[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let ownerCredentials = try FileManager.default.attributesOfItem(atPath: scratch.path("state/postgres/owner-credentials"))
        #expect((ownerCredentials[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        // Slipway connects as the runtime role, which owns nothing and cannot turn the append-only trigger off.
        #expect(first.username == EmbeddedPostgres.runtimeRole)
        let owner = try await server.ownerConfiguration(logger: TestDatabase.logger)
        #expect(owner.username != first.username && owner.password != first.password)
        for statement in ["ALTER TABLE events DISABLE TRIGGER events_append_only", "UPDATE approvals SET approver = 'x'", "TRUNCATE events"] {
            await #expect(throws: (any Error).self, "the runtime role should be refused: \(statement)") {
                try await TestDatabase.execute(statement, on: first)
            }
        }
        let owners = try await TestDatabase.column("SELECT DISTINCT tableowner::text FROM pg_tables WHERE schemaname = 'public'", on: owner)
        #expect(owners == [owner.username])

        // The ledger works on it, and a second start reuses the running server.
        let version = try await Ledger.withLedger(first, logger: TestDatabase.logger) { ledger in try await ledger.schemaVersion() }
        #expect(version == LedgerSchema.latestVersion)
        let second = try await server.start(logger: TestDatabase.logger)
        #expect(second == first)

        // Password authentication is on: a wrong password is refused.
        var wrong = first
        wrong.password = "not-the-password"
        let error = await #expect(throws: LedgerError.self) {
            try await Ledger.withLedger(wrong, logger: TestDatabase.logger) { _ in }
        }
        #expect(error?.code == .authentication)

        try await server.stop()
        #expect(server.state() == .stopped)
        let third = try await server.start(logger: TestDatabase.logger)
        #expect(third.port == first.port)
        // The data survived the restart.
        let again = try await Ledger.withLedger(third, logger: TestDatabase.logger, schema: .requireCurrent) { ledger in try await ledger.schemaVersion() }
        #expect(again == LedgerSchema.latestVersion)
        try await server.stop()
    }

    @Test("two starts at once take turns: one creates the cluster, both get the same server")
    func concurrentStarts() async throws {
        let scratch = try TemporaryDirectory(prefix: "slipway-embedded-race")
        chmod(scratch.path, 0o755)
        let server = EmbeddedPostgres(directory: scratch.path("state/postgres"))
        async let first = server.start(logger: TestDatabase.logger)
        async let second = EmbeddedPostgres(directory: scratch.path("state/postgres")).start(logger: TestDatabase.logger)
        let (a, b) = try await (first, second)
        #expect(a == b)
        #expect(server.state() == .running(port: a.port))
        let version = try await Ledger.withLedger(a, logger: TestDatabase.logger) { ledger in try await ledger.schemaVersion() }
        #expect(version == LedgerSchema.latestVersion)
        try await server.stop()
    }
}
