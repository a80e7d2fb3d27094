import ArgumentParser
import Foundation
import SlipwayLedger

struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the ledger database: migrate its schema, start or stop the embedded PostgreSQL.",
        subcommands: [Migrate.self, Status.self, Start.self, Stop.self]
    )

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply pending schema migrations (safe to run twice, and from several places at once).",
            discussion: """
                Migrations are applied by the role that owns the ledger's tables: --owner-url (or \
                $SLIPWAY_OWNER_DATABASE_URL), else the database Slipway uses. --runtime-role NAME then grants the role \
                Slipway runs as exactly what it needs (read, append, move run, promotion and step state; never change \
                or delete events, approvals, checks or checkpoints); run it again after every upgrade. The embedded \
                PostgreSQL does both by itself, as its owner, for its runtime role slipway_runtime.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: ArgumentHelp("The ledger's owner, as postgres://OWNER:PASSWORD@HOST:PORT/DATABASE. Default: $SLIPWAY_OWNER_DATABASE_URL, else the database Slipway uses.", valueName: "url"))
        var ownerURL: String?

        @Option(name: .long, help: ArgumentHelp("The role Slipway runs as, to grant its privileges to after migrating.", valueName: "name"))
        var runtimeRole: String?

        func run() async throws {
            try await runReportingFailures {
                let logger = global.makeLogger()
                let owner: DatabaseConfiguration
                if let url = ownerURL ?? ProcessInfo.processInfo.environment["SLIPWAY_OWNER_DATABASE_URL"], !url.isEmpty {
                    owner = try DatabaseConfiguration(url: url)
                } else {
                    let (configuration, embedded) = try await DatabaseSource.resolve(global, logger: logger)
                    owner = embedded ? try await DatabaseSource.embeddedServer(global).ownerConfiguration(logger: logger) : configuration
                }
                let report = try await Ledger.withLedger(owner, logger: logger, schema: .unchecked) { ledger in
                    let report = try await ledger.migrate()
                    if let runtimeRole { try await ledger.grantRuntimeAccess(to: runtimeRole) }
                    return report
                }
                if report.applied.isEmpty {
                    print("schema is at version \(report.currentVersion); nothing to apply")
                } else {
                    print("applied migration\(report.applied.count == 1 ? "" : "s") \(report.applied.map(String.init).joined(separator: ", ")); schema is at version \(report.currentVersion)")
                }
                if let runtimeRole { print("granted the runtime privileges to \(runtimeRole)") }
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show which database the ledger uses and its schema version.")

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: "table (human-readable) or json.")
        var output: ReportFormat = .table

        struct Report: Encodable {
            var database: String
            var embedded: Bool
            var schemaVersion: Int
            var binarySchemaVersion: Int
            var events: Int64
        }

        func run() async throws {
            try await runReportingFailures {
                let logger = global.makeLogger()
                let (configuration, embedded) = try await DatabaseSource.resolve(global, logger: logger)
                let report = try await Ledger.withLedger(configuration, logger: logger, schema: .unchecked) { ledger in
                    Report(
                        database: configuration.description, embedded: embedded, schemaVersion: try await ledger.schemaVersion(),
                        binarySchemaVersion: LedgerSchema.latestVersion, events: try await ledger.eventCount()
                    )
                }
                if output == .json {
                    try printJSON(report)
                } else {
                    print("database:       \(report.database)\(report.embedded ? " (embedded)" : "")")
                    print("schema version: \(report.schemaVersion) (this slipway: \(report.binarySchemaVersion))")
                    print("events:         \(report.events)")
                }
            }
        }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the embedded PostgreSQL (creating it the first time) and print how to reach it."
        )

        @OptionGroup var global: GlobalOptions

        @Flag(name: .long, help: "Print only the database URL, password included, for scripts (DATABASE_URL=$(slipway db start --print-url)).")
        var printURL = false

        func run() async throws {
            try await runReportingFailures {
                let server = DatabaseSource.embeddedServer(global)
                let configuration = try await server.start(logger: global.makeLogger())
                if printURL {
                    print(configuration.url)
                } else {
                    print("embedded PostgreSQL running at \(configuration) (password in \(server.directory)/credentials)")
                }
            }
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the embedded PostgreSQL.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingFailures {
                let server = DatabaseSource.embeddedServer(global)
                switch server.state() {
                case .notCreated:
                    print("no embedded PostgreSQL in \(server.directory)")
                case .stopped:
                    print("embedded PostgreSQL in \(server.directory) is not running")
                case .running(let port):
                    try await server.stop()
                    print("stopped the embedded PostgreSQL on port \(port)")
                }
            }
        }
    }
}
