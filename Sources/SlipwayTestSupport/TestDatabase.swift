import Foundation
import Logging
import PostgresNIO
import SlipwayLedger

/// A real PostgreSQL database for one test, made on the server that
/// `make test` starts (its superuser URL is in SLIPWAY_TEST_DATABASE_URL) and
/// dropped afterwards. Without that server the test fails, loudly: a ledger
/// test that silently skipped would prove nothing.
public enum TestDatabase {
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// The server's superuser configuration, from SLIPWAY_TEST_DATABASE_URL.
    public static func server() throws -> DatabaseConfiguration {
        guard let url = ProcessInfo.processInfo.environment["SLIPWAY_TEST_DATABASE_URL"], !url.isEmpty else {
            throw Unavailable(description: """
                SLIPWAY_TEST_DATABASE_URL is not set: these tests need a real PostgreSQL. Run them with `make test`, \
                or `scripts/with-test-postgres.sh swift test`.
                """)
        }
        return try DatabaseConfiguration(url: url)
    }

    public static let logger: Logger = {
        var logger = Logger(label: "slipway-tests")
        logger.logLevel = .error
        return logger
    }()

    /// Creates an empty database, runs `body` with its configuration, and drops it.
    public static func withFreshDatabase<Result: Sendable>(
        _ body: (DatabaseConfiguration) async throws -> Result
    ) async throws -> Result {
        let server = try server()
        let name = "slipway_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await execute("CREATE DATABASE \(name)", on: server)
        var configuration = server
        configuration.database = name
        do {
            let result = try await body(configuration)
            try await execute("DROP DATABASE \(name) WITH (FORCE)", on: server)
            return result
        } catch {
            try? await execute("DROP DATABASE \(name) WITH (FORCE)", on: server)
            throw error
        }
    }

    /// Runs statements as the server's superuser (to tamper with rows, as an attacker with full access would).
    public static func execute(_ statements: String..., on configuration: DatabaseConfiguration) async throws {
        try await withConnection(configuration) { connection in
            for statement in statements {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
    }

    /// The first column of each row a query returns, as text.
    public static func column(_ sql: String, on configuration: DatabaseConfiguration) async throws -> [String?] {
        try await withConnection(configuration) { connection in
            var values: [String?] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {
                values.append(try row.decode(String?.self))
            }
            return values
        }
    }

    static func withConnection<Result: Sendable>(
        _ configuration: DatabaseConfiguration, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: configuration.host, port: configuration.port, username: configuration.username,
                password: configuration.password, database: configuration.database, tls: .disable
            ),
            id: 1, logger: logger
        )
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
