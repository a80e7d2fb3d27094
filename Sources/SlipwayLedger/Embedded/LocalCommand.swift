import Foundation
import SlipwaySystem

/// Runs a local program to completion, its output captured in a file (never a
/// pipe: a server the program starts in the background would hold a pipe open).
struct LocalCommand {
    var executable: String
    var arguments: [String]
    /// Run as this user (through runuser) when Slipway itself runs as root.
    var user: String?
    var environment: [String: String] = [:]

    struct Outcome {
        var status: Int32
        var output: String
    }

    /// Spawns the program with posix_spawn and waits for it with waitpid, on a
    /// thread of its own: Foundation's Process did not always notice the exit
    /// of a program (runuser → pg_ctl) whose grandchild daemonises.
    func run() async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try runBlocking() })
            }
        }
    }

    private func runBlocking() throws -> Outcome {
        var argv = [executable] + arguments
        var program = executable
        if let user, getuid() == 0 {
            program = LocalCommand.runuser
            argv = [program, "-u", user, "--"] + argv
        }
        // The PostgreSQL commands get the locale and PATH, never Slipway's settings or secrets.
        var env = MinimalEnvironment.of()
        env.merge(environment) { _, new in new }
        env["LC_ALL"] = "C"
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("slipway-command-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }

        // The server pg_ctl starts must not inherit Slipway's sockets or files (``ChildProcess``).
        let pid: pid_t
        do {
            pid = try ChildProcess.spawn(ChildProcess.Launch(
                executable: program, arguments: Array(argv.dropFirst()), environment: env,
                output: ChildProcess.Output(path: outputPath, appending: false), grouping: .inherited
            ))
        } catch {
            throw LedgerError(.embeddedServer, "cannot start \(program)", cause: error.description)
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else {
                throw LedgerError(.embeddedServer, "lost track of \(program)", cause: String(cString: strerror(errno)))
            }
        }
        let exitCode = ChildProcess.exitStatus(status)
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Outcome(status: exitCode, output: output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static let runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]
        .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/sbin/runuser"
}
