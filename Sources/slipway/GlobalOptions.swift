import ArgumentParser
import Foundation
import Logging

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The git repository holding the specs: a local path or a file:// or https:// URL.", valueName: "path|url"))
    var repo: String = "."

    @Option(name: .long, help: ArgumentHelp("The ledger's PostgreSQL, as postgres://USER:PASSWORD@HOST:PORT/DATABASE. Default: $DATABASE_URL, else Slipway's embedded PostgreSQL.", valueName: "url"))
    var databaseURL: String?

    @Option(name: .long, help: ArgumentHelp("Where Slipway keeps its state (embedded PostgreSQL, clones). Default: <repo>/.slipway for a local repo, ./.slipway otherwise.", valueName: "dir"))
    var stateDir: String?

    @Option(name: .long, help: "How much to log to standard error: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .warning

    @Option(name: .long, help: ArgumentHelp("The Ed25519 key that signs the ledger's checkpoints, made (mode 0600) on first use. Default: $SLIPWAY_SIGNING_KEY_FILE, else <state-dir>/ledger-signing.key.", valueName: "file"))
    var signingKey: String?

    /// The signing key's file: --signing-key, $SLIPWAY_SIGNING_KEY_FILE, or the state directory's.
    var resolvedSigningKeyPath: String {
        if let signingKey { return absolute(signingKey) }
        if let environment = ProcessInfo.processInfo.environment["SLIPWAY_SIGNING_KEY_FILE"], !environment.isEmpty {
            return absolute(environment)
        }
        return resolvedStateDirectory + "/ledger-signing.key"
    }

    /// Where the latest signed checkpoint is kept outside the database.
    var resolvedCheckpointPath: String {
        resolvedStateDirectory + "/ledger-checkpoint.json"
    }

    func makeLogger() -> Logger {
        let level = logLevel
        var logger = Logger(label: "slipway") { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        logger.logLevel = level
        return logger
    }

    /// Whether `repo` names a remote to clone rather than a local directory.
    var repoIsRemote: Bool {
        repo.contains("://")
    }

    var resolvedStateDirectory: String {
        if let stateDir { return absolute(stateDir) }
        if let environment = ProcessInfo.processInfo.environment["SLIPWAY_STATE_DIR"], !environment.isEmpty {
            return absolute(environment)
        }
        return absolute(repoIsRemote ? ".slipway" : repo + "/.slipway")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

func absolute(_ path: String) -> String {
    if path.hasPrefix("/") { return URL(fileURLWithPath: path).standardizedFileURL.path }
    let base = FileManager.default.currentDirectoryPath
    return URL(fileURLWithPath: base).appendingPathComponent(path).standardizedFileURL.path
}
