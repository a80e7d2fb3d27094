import Foundation

/// The `slipway` executable this package built (or another of its executables, by name),
/// run as a user would run it.
public enum SlipwayBinary {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Where SwiftPM put the executable: beside the test bundle.
    public static func path() throws -> String {
        try BuiltExecutable.path(named: "slipway")
    }

    /// Runs `slipway` (or `executable`) with `arguments` in `directory`, with no standard input, and waits for it.
    public static func run(
        _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:], executable: String = "slipway"
    ) throws -> Output {
        let scratch = try TemporaryDirectory(prefix: "slipway-cli")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try BuiltExecutable.path(named: executable))
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ProcessInfo.processInfo.environment
        env["DATABASE_URL"] = nil
        env.merge(environment) { _, new in new }
        process.environment = env
        let outPath = scratch.path("stdout"), errPath = scratch.path("stderr")
        guard FileManager.default.createFile(atPath: outPath, contents: nil),
              FileManager.default.createFile(atPath: errPath, contents: nil)
        else { throw TemporaryDirectoryError(message: "cannot create output files in \(scratch.path)") }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Output(
            status: process.terminationStatus,
            stdout: try String(contentsOfFile: outPath, encoding: .utf8),
            stderr: try String(contentsOfFile: errPath, encoding: .utf8)
        )
    }
}
