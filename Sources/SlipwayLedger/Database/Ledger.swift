import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// The ledger: Slipway's record of runs, promotions and every transition, in
/// PostgreSQL. Open it in a scope with `withLedger`; the connection pool lives
/// exactly as long as the scope.
public final class Ledger: Sendable {
    public let configuration: DatabaseConfiguration
    let client: PostgresClient
    let logger: Logger
    /// The clock events are stamped with; injected so tests control time.
    let now: @Sendable () -> Date
    /// Signs a checkpoint of the chain at the end of every transaction that appended events;
    /// nil appends unsigned (``Ledger/verifyCheckpoints(publicKey:checkpointFile:chain:)`` then
    /// reports those events as not covered).
    public let signing: LedgerSigning?

    private init(
        configuration: DatabaseConfiguration, client: PostgresClient, logger: Logger, now: @escaping @Sendable () -> Date,
        signing: LedgerSigning?
    ) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
        self.now = now
        self.signing = signing
    }

    /// Connects (failing fast with a clear message when the server cannot be reached),
    /// migrates or checks the schema, runs `body`, and closes every connection.
    ///
    /// - Parameter schema: what to do about the schema before `body` runs (see `SchemaHandling`).
    /// - Parameter signing: the key that signs a checkpoint after each transaction that appends events.
    public static func withLedger<Result: Sendable>(
        _ configuration: DatabaseConfiguration,
        logger: Logger,
        schema: SchemaHandling = .migrate,
        signing: LedgerSigning? = nil,
        now: @escaping @Sendable () -> Date = { Date() },
        _ body: (Ledger) async throws -> Result
    ) async throws -> Result {
        try await probe(configuration, logger: logger)
        // The pool's own chatter (e.g. a lease requested a moment before `run()` starts) is noise below debug level.
        var poolLogger = logger
        if poolLogger.logLevel > .debug { poolLogger.logLevel = .error }
        let client = PostgresClient(configuration: configuration.clientConfiguration, backgroundLogger: poolLogger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let ledger = Ledger(configuration: configuration, client: client, logger: logger, now: now, signing: signing)
            switch schema {
            case .migrate: try await ledger.migrate()
            case .requireCurrent: try await ledger.requireCurrentSchema()
            case .unchecked: break
            }
            return try await body(ledger)
        }
    }

    /// One connection attempt with a short timeout: the pool would retry an
    /// unreachable server quietly, and a user should hear about it at once.
    static func probe(_ configuration: DatabaseConfiguration, logger: Logger) async throws {
        var connectionConfiguration = configuration.connectionConfiguration
        connectionConfiguration.options.connectTimeout = .seconds(5)
        do {
            let connection = try await PostgresConnection.connect(configuration: connectionConfiguration, id: 0, logger: logger)
            try await connection.close()
        } catch {
            let wrapped = LedgerError.wrap(error, doing: "cannot connect to PostgreSQL at \(configuration)")
            var message = wrapped.message
            if wrapped.code == .unreachable {
                message += " (is the server running? set DATABASE_URL or --database-url, or leave both unset to use Slipway's embedded PostgreSQL)"
            }
            throw LedgerError(wrapped.code == .query ? .unreachable : wrapped.code, message, cause: wrapped.cause)
        }
    }

    /// Runs `body` in one transaction; an error rolls everything in it back. The body's own
    /// errors that are not the database's (a command's refusal, a cancellation) come out as they
    /// were thrown; the database's become a ``LedgerError``.
    @discardableResult
    public func transaction<Result: Sendable>(_ body: (LedgerTransaction) async throws -> Result) async throws -> Result {
        do {
            let (result, checkpoint) = try await client.withTransaction(logger: logger) { connection in
                let tx = LedgerTransaction(connection: connection, logger: logger, now: now, verifyingKey: signing?.key.publicKey)
                let result = try await body(tx)
                var checkpoint: ChainCheckpoint?
                if let signing, let span = tx.appended.span {
                    checkpoint = try await tx.recordCheckpoint(span, signedWith: signing.key)
                }
                return (result, checkpoint)
            }
            if let checkpoint, let path = signing?.checkpointFile {
                do {
                    try await CheckpointFile(path: path).advance(ledger: configuration.ledgerName, to: checkpoint)
                } catch {
                    // The transaction committed, and its checkpoint is in the database; the file is the second copy.
                    logger.warning("cannot write the checkpoint file", metadata: ["path": "\(path)", "error": "\(error)"])
                }
            }
            return result
        } catch let error as PostgresTransactionError {
            if let own = error.closureError, !(own is PSQLError), !(own is LedgerError), error.beginError == nil {
                throw own
            }
            throw LedgerError.wrap(error, doing: "a ledger transaction failed")
        } catch {
            throw LedgerError.wrap(error, doing: "a ledger transaction failed")
        }
    }

    /// Runs a read-only query outside any explicit transaction.
    func read<Result: Sendable>(_ what: String, _ body: (LedgerTransaction) async throws -> Result) async throws -> Result {
        do {
            return try await client.withConnection { connection in
                try await body(LedgerTransaction(connection: connection, logger: logger, now: now, verifyingKey: signing?.key.publicKey))
            }
        } catch {
            throw LedgerError.wrap(error, doing: what)
        }
    }
}

/// What `withLedger` does about the schema before handing the ledger out.
public enum SchemaHandling: Sendable {
    /// Apply pending migrations (the default: every start brings the schema up to date).
    case migrate
    /// Fail unless the schema is exactly this binary's, saying to run `slipway db migrate`.
    case requireCurrent
    /// Touch nothing: for `db migrate` and `db status`, which handle the schema themselves.
    case unchecked
}

/// A connection inside a transaction, with the ledger's logger and clock.
public struct LedgerTransaction: Sendable {
    let connection: PostgresConnection
    let logger: Logger
    let now: @Sendable () -> Date
    /// The events this transaction appended, for the checkpoint signed before it commits.
    let appended = AppendedEvents()
    /// The key the ledger signs with, to tell facts covered by its checkpoints from others.
    var verifyingKey: LedgerPublicKey? = nil

    @discardableResult
    func query(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await connection.query(query, logger: logger)
    }
}

extension DatabaseConfiguration {
    /// For a single connection (the probe, administrative statements); the pool uses `clientConfiguration`.
    var connectionConfiguration: PostgresConnection.Configuration {
        if let socket = socketDirectory {
            return .init(unixSocketPath: socket + "/.s.PGSQL.\(port)", username: username, password: password, database: database)
        }
        return .init(host: host, port: port, username: username, password: password, database: database, tls: connectionTLS)
    }

    var connectionTLS: PostgresConnection.Configuration.TLS {
        switch tls {
        case .disable: return .disable
        case .prefer: return (try? NIOSSLContext(configuration: .makeClientConfiguration())).map { .prefer($0) } ?? .disable
        case .require: return (try? NIOSSLContext(configuration: .makeClientConfiguration())).map { .require($0) } ?? .disable
        }
    }

    var clientConfiguration: PostgresClient.Configuration {
        if let socket = socketDirectory {
            return .init(unixSocketPath: socket + "/.s.PGSQL.\(port)", username: username, password: password, database: database)
        }
        let clientTLS: PostgresClient.Configuration.TLS
        switch tls {
        case .disable: clientTLS = .disable
        case .prefer: clientTLS = .prefer(.makeClientConfiguration())
        case .require: clientTLS = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: clientTLS
        )
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.maximumConnections = 8
        return configuration
    }
}

extension Ledger {
    /// One connection for administrative statements (creating a database), closed at the end of the scope.
    static func withMaintenanceConnection<Result: Sendable>(
        _ configuration: DatabaseConfiguration, logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        var connectionConfiguration = configuration.connectionConfiguration
        connectionConfiguration.options.connectTimeout = .seconds(10)
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: connectionConfiguration, id: 1, logger: logger)
        } catch {
            throw LedgerError.wrap(error, doing: "cannot connect to PostgreSQL at \(configuration)")
        }
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw LedgerError.wrap(error, doing: "an administrative statement failed on \(configuration)")
        }
    }
}
