import Foundation

/// A program the build stage runs for Slipway itself (an image builder, a scanner, syft), not one
/// a step names in `run:`: found in PATH, run as a ``StepProcess`` with its output in a log file,
/// and stopped when it outlives its timeout. A scanner runs in the build sandbox with the
/// allow-listed environment (``StepEnvironment``); an image builder runs outside it (it needs
/// its own namespaces and storage) with Slipway's environment minus Slipway's variables
/// (``ChildEnvironment``).
struct ToolCommand: Sendable, Equatable {
    /// The program: a name looked up in PATH, or an absolute path.
    var program: String
    var arguments: [String]
    /// Variables set on top of the environment the command starts from.
    var environment: [String: String] = [:]

    /// How a tool's run ended, when it could be started.
    enum Outcome: Equatable {
        case exited(Int32)
        case timedOut
    }

    /// Why a tool could not be started.
    enum StartFailure: Error, Equatable {
        /// The program is not installed (not in PATH, or not an executable file).
        case notFound(program: String, searchPath: String)
        case spawnFailed(program: String, message: String)
    }

    /// The PATH the tools are looked up in: `override` when given, else Slipway's own.
    static func searchPath(_ override: String? = nil) -> String {
        override ?? ProcessInfo.processInfo.environment["PATH"] ?? ProgramLookup.defaultSearchPath
    }

    /// The program's absolute path, or nil when it is not installed.
    func resolved(in directory: String, searchPath: String? = nil) -> String? {
        ProgramLookup.resolve(program, in: directory, searchPath: Self.searchPath(searchPath))
    }

    /// Runs the command in `directory` until it ends or `timeout` passes, its output written to
    /// (or, when `appending`, added to) `logPath`. `extraEnvironment` is set on top of the
    /// command's own; `searchPath`, when given, is the PATH it is found in and runs with. With a
    /// `sandbox`, the command runs in it as `profile` says.
    func run(
        in directory: String, logPath: String, appending: Bool = false, timeout: Duration,
        extraEnvironment: [String: String] = [:], searchPath: String? = nil, grace: Duration = .seconds(5),
        sandbox: (sandbox: BuildSandbox, profile: SandboxProfile, home: String)? = nil
    ) async throws -> Outcome {
        guard let executable = resolved(in: directory, searchPath: searchPath) else {
            throw StartFailure.notFound(program: program, searchPath: Self.searchPath(searchPath))
        }
        var environment = sandbox.map {
            StepEnvironment.make(runner: ProcessInfo.processInfo.environment, home: $0.home)
        } ?? ChildEnvironment.inherited()
        if let searchPath { environment["PATH"] = searchPath }
        environment.merge(self.environment) { _, new in new }
        environment.merge(extraEnvironment) { _, new in new }
        if appending {
            // A header, so a log of several commands says which printed what.
            let header = "$ \(([program] + arguments).joined(separator: " "))\n"
            if let handle = FileHandle(forWritingAtPath: logPath) {
                _ = try? handle.seekToEnd()
                try? handle.write(contentsOf: Data(header.utf8))
                try? handle.close()
            } else {
                _ = FileManager.default.createFile(atPath: logPath, contents: Data(header.utf8))
            }
        }
        var command = (executable: executable, arguments: arguments)
        if let sandbox {
            do {
                command = try sandbox.sandbox.wrap(executable: executable, arguments: arguments, profile: sandbox.profile)
            } catch {
                throw StartFailure.spawnFailed(program: executable, message: error.message)
            }
        }
        let process: StepProcess
        do {
            process = try StepProcess.spawn(
                executable: command.executable, arguments: command.arguments, environment: environment, directory: directory,
                logPath: logPath, appending: appending
            )
        } catch {
            throw StartFailure.spawnFailed(program: executable, message: error.message)
        }
        switch try await process.wait(timeout: timeout, grace: grace) {
        case .exited(let status): return .exited(status)
        case .timedOut: return .timedOut
        }
    }
}
