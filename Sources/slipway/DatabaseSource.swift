import Foundation
import Logging
import SlipwayLedger

/// Which PostgreSQL the ledger lives in: --database-url, else $DATABASE_URL,
/// else the embedded cluster under the state directory (started on demand).
enum DatabaseSource {
    /// The database to use, and whether it is the embedded one.
    static func resolve(_ options: GlobalOptions, logger: Logger) async throws -> (configuration: DatabaseConfiguration, embedded: Bool) {
        if let url = options.databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty {
            return (try DatabaseConfiguration(url: url), false)
        }
        let embedded = embeddedServer(options)
        if case .running = embedded.state() {} else {
            printNote("starting Slipway's embedded PostgreSQL in \(embedded.directory) …")
        }
        return (try await embedded.start(logger: logger), true)
    }

    static func embeddedServer(_ options: GlobalOptions) -> EmbeddedPostgres {
        EmbeddedPostgres(directory: options.resolvedStateDirectory + "/postgres")
    }

    /// Opens the ledger for a command, applying pending migrations first. Unless `signing` is
    /// false, every transaction that appends events also signs a checkpoint with the signing key
    /// (``GlobalOptions/resolvedSigningKeyPath``, made on first use).
    static func withLedger<Result: Sendable>(
        _ options: GlobalOptions, schema: SchemaHandling = .migrate, signing: Bool = true, _ body: (Ledger) async throws -> Result
    ) async throws -> Result {
        let logger = options.makeLogger()
        let ledgerSigning = signing ? try self.signing(options) : nil
        let (configuration, _) = try await resolve(options, logger: logger)
        return try await Ledger.withLedger(configuration, logger: logger, schema: schema, signing: ledgerSigning, body)
    }

    /// The key that signs checkpoints, and the file the latest one is kept in.
    static func signing(_ options: GlobalOptions) throws -> LedgerSigning {
        LedgerSigning(
            key: try LedgerSigningKey.loadOrCreate(at: options.resolvedSigningKeyPath),
            checkpointFile: options.resolvedCheckpointPath
        )
    }
}
