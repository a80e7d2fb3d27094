import Foundation

/// What one sandboxed command may see and touch: bubblewrap's arguments for it.
///
/// The whole file system is mounted read-only; `/dev` and `/proc` are fresh (the command is in a
/// pid namespace of its own, so `/proc` holds only its processes); `/tmp` is a private tmpfs and
/// `HOME` is `/tmp/home` in it; every `hidden` directory (Slipway's state directory) is covered
/// by an empty tmpfs; then `readOnly` and `writable` paths are bound back at their own place. The
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
    /// Whether the command runs as nobody when Slipway is root (a build step: the commit's code).
    /// A scanner, Slipway's own tool (which an operator may have installed where only the
    /// runner's user can read, e.g. a Python venv under /root), keeps the runner's user, without
    /// capabilities (bubblewrap drops them all).
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
        arguments += ["--chdir", directory]
        return arguments
    }

    /// The entries of the runner's `searchPath` that the sandbox's own `/tmp` would hide (a tool
    /// installed under /tmp): bound back read-only. Never one inside `stateDirectory`.
    static func hiddenSearchPath(_ searchPath: String, stateDirectory: String) -> [String] {
        var entries: [String] = []
        for entry in searchPath.split(separator: ":").map(String.init) where entry.hasPrefix("/tmp/") {
            let inState = entry == stateDirectory || entry.hasPrefix(stateDirectory + "/")
            var isDirectory: ObjCBool = false
            if !inState, FileManager.default.fileExists(atPath: entry, isDirectory: &isDirectory), isDirectory.boolValue,
               !entries.contains(entry) {
                entries.append(entry)
            }
        }
        return entries
    }
}
