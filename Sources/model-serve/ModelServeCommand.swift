import ArgumentParser
import Foundation
import ModelServe

/// `model-serve`: ModelServe's executable: the HTTP service (`serve`) and its API keys (`keys`).
@main
struct ModelServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model-serve",
        abstract: "ModelServe, an HTTP API in front of Ollama: keys, rate limits, backpressure, failover, a cache, metrics.",
        version: ModelServeService.version,
        subcommands: [ServeCommand.self, KeysCommand.self]
    )
}


/// One `error: …` line and exit 1 for every failure, never a stack trace.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as APIKeyError {
        printNote("error: \(error)")
        throw ExitCode.failure
    }
}

func printNote(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
