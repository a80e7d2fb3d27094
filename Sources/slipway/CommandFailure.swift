import ArgumentParser
import Foundation
import SlipwayCore
import SlipwayGit
import SlipwayLedger

/// Runs a command body so that every failure reaches the user as one clear
/// message on standard error and a non-zero exit, never a stack trace.
func runReportingFailures(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch let error as CleanExit {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        printError(describe(error))
        throw ExitCode.failure
    }
}

func describe(_ error: any Error) -> String {
    switch error {
    case let error as LedgerError: return error.description
    case let error as GitError: return error.description
    case let error as SpecLoadError: return error.description
    case let error as CommandError: return error.message
    default: return String(describing: error)
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
}

func printNote(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// A failure of the CLI itself, with the message to show.
struct CommandError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
