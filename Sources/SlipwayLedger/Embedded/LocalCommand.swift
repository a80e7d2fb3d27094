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
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        env["LC_ALL"] = "C"
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("slipway-command-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // The server pg_ctl starts must not inherit Slipway's sockets or files.
        for descriptor in DetachedProcess.openDescriptors() where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }

        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, nil, cArguments, cEnvironment)
        guard spawned == 0 else {
            throw LedgerError(.embeddedServer, "cannot start \(program)", cause: String(cString: strerror(spawned)))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else {
                throw LedgerError(.embeddedServer, "lost track of \(program)", cause: String(cString: strerror(errno)))
            }
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import as macros.
        let exitCode: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Outcome(status: exitCode, output: output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static let runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]
        .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/sbin/runuser"
}
