import Foundation
import SlipwaySystem

/// Where the build stage runs the commit's commands and the scanners: inside bubblewrap (`bwrap`)
/// by default — a read-only view of the system, the checkout (and what the command must write)
/// writable, a private `/tmp`, no view of Slipway's state directory, the runner's HOME, secrets
/// file or signing key (``RunnerPrivatePaths``), its own pid namespace (so
/// `/proc` shows nothing of Slipway), no network unless a step says `network: true`, and an
/// unprivileged user (`nobody`) when Slipway runs as root — or, only when the operator asked for
/// it with `--unsandboxed-builds`, as plain child processes (which the run records).
///
/// Either way a command gets an environment built from an allow-list (``StepEnvironment``),
/// never Slipway's own variables.
public struct BuildSandbox: Sendable, Equatable {
    /// How the runner was told to sandbox (from the command line).
    public struct Settings: Sendable, Equatable {
        /// Build without bubblewrap when it is missing (`--unsandboxed-builds`).
        public var allowUnsandboxed: Bool
        /// The bubblewrap binary; nil looks in ``BuildSandbox/bubblewrapLocations``.
        public var bubblewrap: String?
        /// The runner's secrets file (`NAME=VALUE` lines) steps name secrets from; nil for
        /// `<state>/secrets.env` when it exists. Hidden from every step and scanner.
        public var secretsFile: String?
        /// The ledger's signing key file (`--signing-key`), hidden from every step and scanner.
        public var signingKeyFile: String?
        /// The runner's HOME, hidden from every step and scanner; nil for `$HOME` (and `/root`
        /// is hidden too when the runner is root).
        public var runnerHome: String?

        public init(
            allowUnsandboxed: Bool = false, bubblewrap: String? = nil, secretsFile: String? = nil, signingKeyFile: String? = nil,
            runnerHome: String? = nil
        ) {
            self.allowUnsandboxed = allowUnsandboxed
            self.bubblewrap = bubblewrap
            self.secretsFile = secretsFile
            self.signingKeyFile = signingKeyFile
            self.runnerHome = runnerHome
        }
    }

    public enum Mode: Sendable, Equatable {
        /// Commands run inside bubblewrap, the program at this path.
        case bubblewrap(String)
        /// Commands run as plain child processes (`--unsandboxed-builds`, bubblewrap missing);
        /// the reason bubblewrap could not be used.
        case unsandboxed(reason: String)
    }

    public var mode: Mode
    /// The user commands run as inside the sandbox when Slipway is root (nil when it is not).
    var dropToUser: (uid: uid_t, gid: gid_t)? { getuid() == 0 ? (65534, 65534) : nil }

    public init(mode: Mode) {
        self.mode = mode
    }

    /// Where bubblewrap is looked for (fixed places, not PATH: a PATH entry could hold a fake one).
    public static let bubblewrapLocations = ["/usr/bin/bwrap", "/usr/local/bin/bwrap", "/bin/bwrap"]

    /// Where setpriv (util-linux) is looked for: as root, bubblewrap is started through it as `nobody`.
    static let setprivLocations = ["/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv"]

    /// The sandbox `settings` ask for: bubblewrap when it is installed and works here; else, with
    /// `allowUnsandboxed`, none.
    ///
    /// - Throws: ``BuildError/sandboxUnavailable(reason:)`` naming the package and the flag.
    public static func resolve(_ settings: Settings) async throws(BuildError) -> BuildSandbox {
        let reason: String
        switch await probe(settings.bubblewrap) {
        case .success(let path): return BuildSandbox(mode: .bubblewrap(path))
        case .failure(let problem): reason = problem.message
        }
        guard settings.allowUnsandboxed else { throw .sandboxUnavailable(reason: reason) }
        return BuildSandbox(mode: .unsandboxed(reason: reason))
    }

    struct Problem: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// Finds bubblewrap and runs `true` in the sandbox every command gets (so a kernel without
    /// user namespaces is found now, not in the middle of a build).
    private static func probe(_ configured: String?) async -> Result<String, Problem> {
        let candidates = configured.map { [$0] } ?? bubblewrapLocations
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return .failure(Problem(message: "bubblewrap (bwrap) is not installed: no executable at \(candidates.joined(separator: ", "))"))
        }
        let sandbox = BuildSandbox(mode: .bubblewrap(path))
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-bwrap-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let command: (executable: String, arguments: [String])
        do {
            command = try sandbox.wrap(executable: "/bin/true", arguments: [], profile: SandboxProfile(directory: "/", network: false))
        } catch {
            return .failure(Problem(message: error.message))
        }
        let pid: pid_t
        do {
            pid = try ChildProcess.spawn(ChildProcess.Launch(
                executable: command.executable, arguments: command.arguments, environment: MinimalEnvironment.of(),
                output: ChildProcess.Output(path: scratch, appending: false), grouping: .ownGroup
            ))
        } catch {
            return .failure(Problem(message: "cannot start \(path): \(error)"))
        }
        let status = await DetachedProcess.wait(pid)
        guard status == 0 else {
            let output = ((try? String(contentsOfFile: scratch, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            return .failure(Problem(
                message: "\(path) cannot make a sandbox here (exit status \(status)\(output.isEmpty ? "" : ": \(output)")); "
                    + "it needs user namespaces (sysctl kernel.unprivileged_userns_clone=1, or a container allowed to create them)"
            ))
        }
        return .success(path)
    }

    /// The command line that runs `executable` with `arguments` as `profile` says: bubblewrap's,
    /// or the command itself when unsandboxed.
    func wrap(executable: String, arguments: [String], profile: SandboxProfile) throws(Problem) -> (executable: String, arguments: [String]) {
        guard case .bubblewrap(let bwrap) = mode else { return (executable, arguments) }
        let inner = [bwrap] + profile.bubblewrapArguments() + ["--", executable] + arguments
        guard profile.unprivileged, let user = dropToUser else { return (bwrap, Array(inner.dropFirst())) }
        guard let setpriv = Self.setprivLocations.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Problem(message: "Slipway runs as root and needs setpriv (util-linux) to run build steps as nobody; install util-linux")
        }
        // bubblewrap itself runs as nobody (in a user namespace of its own): started as root, its
        // `--uid` would map nobody to the real root, who owns the host's private files.
        return (setpriv, ["--reuid=\(user.uid)", "--regid=\(user.gid)", "--clear-groups", "--no-new-privs", "--"] + inner)
    }

    /// Whether commands run inside bubblewrap.
    public var isSandboxed: Bool {
        if case .bubblewrap = mode { return true }
        return false
    }

    /// Whether a command with `profile` runs as another user than the runner (nobody).
    func runsAsOthers(_ profile: SandboxProfile) -> Bool {
        isSandboxed && profile.unprivileged && dropToUser != nil
    }

    /// Makes `path` (and everything under it) owned by the sandbox's user, so a step running as
    /// nobody can write its checkout; does nothing when Slipway is not root or not sandboxed.
    func handOver(_ path: String) throws(Problem) {
        guard isSandboxed, let user = dropToUser else { return }
        guard lchown(path, user.uid, user.gid) == 0 else {
            throw Problem(message: "cannot hand \(path) to the sandbox's user: \(String(cString: strerror(errno)))")
        }
        guard let entries = FileManager.default.enumerator(atPath: path) else { return }
        for case let entry as String in entries {
            let full = "\(path)/\(entry)"
            guard lchown(full, user.uid, user.gid) == 0 else {
                throw Problem(message: "cannot hand \(full) to the sandbox's user: \(String(cString: strerror(errno)))")
            }
        }
    }
}
