import Foundation
import SlipwaySystem
import Logging
import PostgresNIO

/// Slipway's own PostgreSQL, for when no `DATABASE_URL` is given: a cluster
/// under `.slipway/postgres/`, made with `initdb` the first time, started with
/// `pg_ctl` on a free loopback port, and reused by every later start. It keeps
/// running between commands; `slipway db stop` stops it.
///
/// The cluster uses password authentication and two roles: `slipway`, the owner, which
/// creates the database and applies migrations (its password in `owner-credentials`), and
/// `slipway_runtime`, which Slipway connects as (its password in `credentials`): it may read
/// and append, move the state of runs, promotions and steps, and nothing else (``RuntimeRole``).
/// Both files are mode 0600. As root, the server runs as an unprivileged user (`postgres` when
/// it exists, else `nobody`), since PostgreSQL refuses to run as root.
public struct EmbeddedPostgres: Sendable {
    public let directory: String
    public static let databaseName = "slipway"
    static let superuser = "slipway"
    /// The role Slipway runs as.
    public static let runtimeRole = "slipway_runtime"

    public init(directory: String) {
        self.directory = directory
    }

    var dataDirectory: String { directory + "/data" }
    var socketDirectory: String { directory + "/run" }
    var logFile: String { directory + "/postgres.log" }
    /// The runtime role's password: what Slipway reads to connect.
    var credentialsFile: String { directory + "/credentials" }
    /// The owner's password: for migrations and grants.
    var ownerCredentialsFile: String { directory + "/owner-credentials" }
    var portFile: String { directory + "/port" }

    /// The user the server runs as: ourselves, or an unprivileged one when we are root.
    var serverUser: String? {
        guard getuid() == 0 else { return nil }
        return getpwnam("postgres") != nil ? "postgres" : "nobody"
    }

    public enum State: Sendable, Equatable {
        case notCreated
        case stopped
        case running(port: Int)
    }

    public func state() -> State {
        guard FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") else { return .notCreated }
        guard let port = runningPort() else { return .stopped }
        return .running(port: port)
    }

    /// Starts the cluster (creating it first when needed) and returns how to reach it.
    /// Starting an already running cluster only returns its configuration.
    ///
    /// Two processes starting it at once (`slipway run` and `slipway status` side by side) take
    /// turns: the second finds the cluster the first created and started.
    public func start(logger: Logger) async throws -> DatabaseConfiguration {
        let parent = (directory as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        return try await FileLock.withExclusiveLock(at: directory + ".lock") {
            try await startHoldingLock(logger: logger)
        }
    }

    private func startHoldingLock(logger: Logger) async throws -> DatabaseConfiguration {
        let binaries = try PostgresBinaries.locate()
        if state() == .notCreated {
            try await create(binaries, logger: logger)
        } else if !FileManager.default.fileExists(atPath: ownerCredentialsFile) {
            // A cluster made before the two roles: its one password is the owner's.
            guard rename(credentialsFile, ownerCredentialsFile) == 0 else {
                throw LedgerError(.embeddedServer, "cannot move \(credentialsFile) to \(ownerCredentialsFile)", cause: String(cString: strerror(errno)))
            }
        }
        let port: Int
        if let running = runningPort() {
            port = running
        } else {
            port = try await startServer(binaries, logger: logger)
        }
        let owner = try ownerConfiguration(port: port)
        try await ensureDatabase(owner, logger: logger)
        let runtime = try await ensureRuntimeRole(owner, logger: logger)
        try await migrateAsOwner(owner, logger: logger)
        return runtime
    }

    /// How the owner reaches the running cluster (for migrations and grants; Slipway itself runs as the runtime role).
    public func ownerConfiguration(logger: Logger) async throws -> DatabaseConfiguration {
        _ = try await start(logger: logger)
        guard let port = runningPort() else { throw LedgerError(.embeddedServer, "the embedded PostgreSQL in \(dataDirectory) is not running") }
        return try ownerConfiguration(port: port)
    }

    func ownerConfiguration(port: Int) throws -> DatabaseConfiguration {
        DatabaseConfiguration(
            host: "127.0.0.1", port: port, username: EmbeddedPostgres.superuser, password: try readSecret(ownerCredentialsFile),
            database: EmbeddedPostgres.databaseName, tls: .disable
        )
    }

    private func readSecret(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw LedgerError(.embeddedServer, "cannot read \(path) (it should be readable by whoever runs slipway, and nobody else)")
        }
    }

    /// Makes the runtime role the first time (its password in `credentials`), and returns how to reach the ledger as it.
    private func ensureRuntimeRole(_ owner: DatabaseConfiguration, logger: Logger) async throws -> DatabaseConfiguration {
        var password = FileManager.default.fileExists(atPath: credentialsFile) ? try readSecret(credentialsFile) : nil
        try await Ledger.withMaintenanceConnection(owner, logger: logger) { connection in
            var exists = false
            for try await _ in try await connection.query("SELECT 1 FROM pg_roles WHERE rolname = \(EmbeddedPostgres.runtimeRole)", logger: logger) {
                exists = true
            }
            if exists, password != nil { return }
            let secret = password ?? EmbeddedPostgres.generatePassword()
            // CREATE ROLE takes no bound parameters; the password is our own, letters and digits only.
            guard secret.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw LedgerError(.embeddedServer, "the password in \(credentialsFile) has characters other than letters and digits; remove the file to make a new one")
            }
            let verb = exists ? "ALTER" : "CREATE"
            try await connection.query(
                PostgresQuery(unsafeSQL: "\(verb) ROLE \(EmbeddedPostgres.runtimeRole) LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '\(secret)'"),
                logger: logger
            )
            password = secret
        }
        if !FileManager.default.fileExists(atPath: credentialsFile), let password {
            try writePrivateFile(credentialsFile, password + "\n")
        }
        return DatabaseConfiguration(
            host: "127.0.0.1", port: owner.port, username: EmbeddedPostgres.runtimeRole, password: password,
            database: EmbeddedPostgres.databaseName, tls: .disable
        )
    }

    /// Applies pending migrations as the owner and grants the runtime role what it needs, when
    /// either is due (a new binary, a new cluster); otherwise one quick check.
    private func migrateAsOwner(_ owner: DatabaseConfiguration, logger: Logger) async throws {
        try await Ledger.withLedger(owner, logger: logger, schema: .unchecked) { ledger in
            let report = try await ledger.migrate()
            var due = !report.applied.isEmpty
            if !due { due = try await ledger.runtimeAccessIsIncomplete(for: EmbeddedPostgres.runtimeRole) }
            if due {
                try await ledger.grantRuntimeAccess(to: EmbeddedPostgres.runtimeRole)
            }
        }
    }

    /// Stops a running cluster; stopping a stopped one does nothing.
    public func stop() async throws {
        guard runningPort() != nil else { return }
        let binaries = try PostgresBinaries.locate()
        let outcome = try await LocalCommand(
            executable: binaries.pgCtl, arguments: ["stop", "-D", dataDirectory, "-m", "fast", "-w", "-t", "60"], user: serverUser
        ).run()
        guard outcome.status == 0 else {
            throw LedgerError(.embeddedServer, "pg_ctl could not stop the embedded PostgreSQL in \(dataDirectory)", cause: outcome.output)
        }
    }

    private func create(_ binaries: PostgresBinaries, logger: Logger) async throws {
        let files = FileManager.default
        try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try files.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
        let password = EmbeddedPostgres.generatePassword()
        try writePrivateFile(ownerCredentialsFile, password + "\n")
        // initdb reads the superuser's password from a file only the server's user can read.
        let passwordFile = directory + "/.initdb-password"
        try writePrivateFile(passwordFile, password + "\n")
        defer { try? files.removeItem(atPath: passwordFile) }
        if let user = serverUser {
            try handOver([directory, socketDirectory, passwordFile], to: user)
        }
        logger.info("creating the embedded PostgreSQL cluster", metadata: ["directory": "\(dataDirectory)"])
        let outcome = try await LocalCommand(
            executable: binaries.initdb,
            arguments: [
                "-D", dataDirectory, "-U", EmbeddedPostgres.superuser, "--pwfile", passwordFile,
                "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-instructions",
            ],
            user: serverUser
        ).run()
        guard outcome.status == 0 else {
            try? files.removeItem(atPath: dataDirectory)
            var message = "initdb could not create the embedded PostgreSQL cluster in \(dataDirectory)"
            if outcome.output.contains("Permission denied"), let user = serverUser {
                message += " (the server runs as '\(user)', which needs to reach \(directory): every parent folder must be searchable by it)"
            }
            throw LedgerError(.embeddedServer, message, cause: outcome.output)
        }
    }

    private func startServer(_ binaries: PostgresBinaries, logger: Logger) async throws -> Int {
        var port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        if port == nil || LoopbackPort.isListening(port!) {
            port = try LoopbackPort.free()
        }
        let chosen = port!
        try "\(chosen)\n".write(toFile: portFile, atomically: true, encoding: .utf8)
        logger.info("starting the embedded PostgreSQL", metadata: ["port": "\(chosen)", "directory": "\(dataDirectory)"])
        if let user = serverUser {
            try? handOver([logFile], to: user, create: true)
        }
        let options = "-p \(chosen) -c listen_addresses=127.0.0.1 -c unix_socket_directories='\(socketDirectory)'"
        let outcome = try await LocalCommand(
            executable: binaries.pgCtl,
            arguments: ["start", "-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "-o", options],
            user: serverUser
        ).run()
        guard outcome.status == 0 else {
            let tail = ((try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "")
                .split(separator: "\n").suffix(5).joined(separator: "\n")
            throw LedgerError(
                .embeddedServer, "pg_ctl could not start the embedded PostgreSQL (log: \(logFile))",
                cause: [outcome.output, tail].filter { !$0.isEmpty }.joined(separator: "\n")
            )
        }
        return chosen
    }

    /// The port of the running server, from its postmaster.pid, when it is alive and listening.
    func runningPort() -> Int? {
        guard let pidFile = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8) else { return nil }
        let lines = pidFile.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count > 3, let pid = Int32(lines[0]), let port = Int(lines[3]) else { return nil }
        guard kill(pid, 0) == 0 || errno == EPERM, LoopbackPort.isListening(port) else { return nil }
        return port
    }

    private func ensureDatabase(_ configuration: DatabaseConfiguration, logger: Logger) async throws {
        var maintenance = configuration
        maintenance.database = "postgres"
        try await Ledger.withMaintenanceConnection(maintenance, logger: logger) { connection in
            let rows = try await connection.query(
                "SELECT 1 FROM pg_database WHERE datname = \(EmbeddedPostgres.databaseName)", logger: logger
            )
            var exists = false
            for try await _ in rows { exists = true }
            if !exists {
                try await connection.query("CREATE DATABASE \(unescaped: EmbeddedPostgres.databaseName)", logger: logger)
            }
        }
    }

    private func handOver(_ paths: [String], to user: String, create: Bool = false) throws {
        guard let entry = getpwnam(user) else { return }
        for path in paths {
            if create, !FileManager.default.fileExists(atPath: path) {
                try writePrivateFile(path, "")
            }
            guard chown(path, entry.pointee.pw_uid, entry.pointee.pw_gid) == 0 else {
                throw LedgerError(.embeddedServer, "cannot hand \(path) to the user '\(user)' the server runs as", cause: String(cString: strerror(errno)))
            }
        }
    }

    /// Writes a file only its owner can read (mode 0600).
    private func writePrivateFile(_ path: String, _ contents: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(contents.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw LedgerError(.embeddedServer, "cannot write \(path)")
        }
    }

    static func generatePassword() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        return String((0..<32).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}

/// Where initdb, pg_ctl and postgres are: PATH first, then /usr/lib/postgresql/<newest>/bin.
struct PostgresBinaries {
    var initdb: String
    var pgCtl: String
    var postgres: String

    static func locate() throws -> PostgresBinaries {
        var directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap(Int.init).sorted(by: >)
        directories += versions.map { "/usr/lib/postgresql/\($0)/bin" }
        for directory in directories {
            let candidate = PostgresBinaries(initdb: directory + "/initdb", pgCtl: directory + "/pg_ctl", postgres: directory + "/postgres")
            if [candidate.initdb, candidate.pgCtl, candidate.postgres].allSatisfy(FileManager.default.isExecutableFile(atPath:)) {
                return candidate
            }
        }
        throw LedgerError(
            .embeddedServer,
            "no PostgreSQL server binaries found (initdb, pg_ctl, postgres) on PATH or in /usr/lib/postgresql/*/bin; install them (apt-get install postgresql) or set DATABASE_URL"
        )
    }
}
