import Foundation

/// Long-lived processes Slipway starts and must find again after its own restart: a server
/// (HAProxy, a ModelServe slot) runs in a session of its own, so it outlives Slipway and is not
/// hit by signals sent to Slipway's terminal; its output is appended to a log file.
public enum DetachedProcess {
    /// Starts `executable` with `arguments` in a new session, with exactly `environment` (nothing
    /// of Slipway's is inherited: pass ``MinimalEnvironment/of(_:)`` plus what the server needs),
    /// stdin from /dev/null and stdout and stderr appended to `logPath`; returns its pid without
    /// waiting for it. No descriptor of Slipway's is inherited (``ChildProcess``).
    ///
    /// The caller (or, once Slipway has exited, init) reaps it; ``reap(_:)`` collects it when it
    /// is Slipway's own child.
    public static func spawn(
        executable: String, arguments: [String], environment: [String: String], logPath: String
    ) throws -> pid_t {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw SystemError("\(executable) is not an executable file")
        }
        let logDirectory = (logPath as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard logDirectory.isEmpty || (FileManager.default.fileExists(atPath: logDirectory, isDirectory: &isDirectory) && isDirectory.boolValue)
        else {
            throw SystemError("cannot start \(executable): the folder of its log \(logPath) does not exist")
        }
        return try ChildProcess.spawn(ChildProcess.Launch(
            executable: executable, arguments: arguments, environment: environment,
            output: ChildProcess.Output(path: logPath, appending: true), grouping: .ownSession
        ))
    }

    /// The file descriptors this process has open (from /proc/self/fd).
    public static func openDescriptors() -> [Int32] { ChildProcess.openDescriptors() }

    /// Whether a spawned process's descriptors above 2 are closed in one step (glibc 2.34+), not
    /// from a list taken just before.
    public static var closesDescriptorsInOneStep: Bool { ChildProcess.closesDescriptorsInOneStep }

    /// Whether a process with `pid` exists (and is not a zombie).
    public static func isAlive(_ pid: pid_t) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        // A zombie (exited, not yet reaped) answers kill(0) but is not running.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z"
    }

    /// The command line of `pid` (from /proc), to tell our process from another that reused its pid.
    public static func commandLine(_ pid: pid_t) -> [String]? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return nil }
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Collects `pid` if it is an exited child of this process (no zombie is left); does not block.
    public static func reap(_ pid: pid_t) {
        var status: Int32 = 0
        _ = waitpid(pid, &status, WNOHANG)
    }

    /// Sends SIGTERM, waits up to `grace` for the process to end, then SIGKILL. Returns whether it
    /// ended before the SIGKILL.
    @discardableResult
    public static func terminate(_ pid: pid_t, grace: Duration, signal: Int32 = SIGTERM) async -> Bool {
        guard isAlive(pid) else {
            reap(pid)
            return true
        }
        kill(pid, signal)
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline {
            reap(pid)
            if !isAlive(pid) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        kill(pid, SIGKILL)
        while isAlive(pid) {
            reap(pid)
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}

extension DetachedProcess {
    /// Waits for the child `pid` to exit (without blocking a thread of the concurrency pool) and
    /// returns its exit status (128 + the signal when a signal ended it).
    public static func wait(_ pid: pid_t) async -> Int32 {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result < 0 && errno != EINTR { return -1 }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return ChildProcess.exitStatus(status)
    }
}
