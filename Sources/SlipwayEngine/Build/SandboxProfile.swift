import Foundation

/// What one sandboxed command may see and touch: bubblewrap's arguments for it.
///
/// The whole file system is mounted read-only; `/dev` and `/proc` are fresh (the command is in a
/// pid namespace of its own, so `/proc` holds only its processes); `/tmp` is a private tmpfs and
/// `HOME` is `/tmp/home` in it; every `hidden` directory (Slipway's state directory, the runner's
/// HOME) is covered by an empty tmpfs; then `readOnly` and `writable` paths are bound back at
/// their own place, and every `hiddenFiles` file (the secrets file, the signing key) is covered
/// by an empty one (`/dev/null`). The
/// command runs in a new session (no terminal to push input into), dies with Slipway, and has
/// only a loopback interface of its own unless `network` is set.
struct SandboxProfile: Sendable, Equatable {
    /// The directory the command starts in.
    var directory: String
    /// Whether the command shares the host's network.
    var network: Bool
    /// Directories covered by an empty tmpfs.
    var hidden: [String] = []
    /// Paths bound back read-only (after `hidden`).
    var readOnly: [String] = []
    /// Paths bound back writable (after `readOnly`).
    var writable: [String] = []
    /// Files covered by `/dev/null` (last, so no bind above shows them again).
    var hiddenFiles: [String] = []
    /// Whether the command runs as nobody when Slipway is root (a build step: the commit's code;
    /// a scanner nobody can read and run). A scanner installed where only the runner's user can
    /// read (e.g. a Python venv whose python is under /root/.pyenv) keeps the runner's user,
    /// without capabilities (bubblewrap drops them all), its HOME hidden but for that install.
    var unprivileged = true

    /// HOME inside the sandbox: private, writable, gone afterwards.
    static let home = "/tmp/home"

    func bubblewrapArguments() -> [String] {
        var arguments = [
            "--die-with-parent", "--new-session",
            "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--ro-bind", "/", "/",
            "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--dir", Self.home,
        ]
        if !network { arguments.append("--unshare-net") }
        for path in hidden { arguments += ["--tmpfs", path] }
        for path in readOnly { arguments += ["--ro-bind", path, path] }
        for path in writable { arguments += ["--bind", path, path] }
        for path in hiddenFiles { arguments += ["--ro-bind", "/dev/null", path] }
        arguments += ["--chdir", directory]
        return arguments
    }

    /// The entries of the runner's `searchPath` that the sandbox's own `/tmp` or a `hidden`
    /// directory (the runner's HOME: `~/.local/bin`) would hide: bound back read-only, each
    /// alone. Never one inside `stateDirectory`; with `reachableByOthers`, only those the
    /// sandbox's unprivileged user can reach (bubblewrap, running as that user, could not bind
    /// another).
    static func hiddenSearchPath(
        _ searchPath: String, stateDirectory: String, hidden: [String] = [], reachableByOthers: Bool = false
    ) -> [String] {
        var entries: [String] = []
        for entry in searchPath.split(separator: ":").map(String.init) {
            guard RunnerPrivatePaths.isInside(entry, "/tmp") || hidden.contains(where: { RunnerPrivatePaths.isInside(entry, $0) }),
                  !RunnerPrivatePaths.isInside(entry, stateDirectory), entry != "/tmp"
            else { continue }
            // A virtual environment's bin/ (a tool installed with pip, like syft under .tools/)
            // needs the rest of the environment too: its root is bound back instead.
            let parent = (entry as NSString).deletingLastPathComponent
            let bound = FileManager.default.fileExists(atPath: parent + "/pyvenv.cfg") && !RunnerPrivatePaths.isInside(stateDirectory, parent)
                ? parent : entry
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: bound, isDirectory: &isDirectory), isDirectory.boolValue, !entries.contains(bound),
               !reachableByOthers || RunnerPrivatePaths.reachableByOthers(bound) {
                entries.append(bound)
            }
        }
        return entries
    }
}
