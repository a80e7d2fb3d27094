import Foundation

/// Long-lived processes Slipway starts and must find again after its own restart: a server
/// (HAProxy, a ModelServe slot) runs in a session of its own, so it outlives Slipway and is not
/// hit by signals sent to Slipway's terminal; its output is appended to a log file.
public enum DetachedProcess {
    /// Starts `executable` with `arguments` in a new session, stdin from /dev/null and stdout and
    /// stderr appended to `logPath`; returns its pid without waiting for it.
    ///
    /// The caller (or, once Slipway has exited, init) reaps it; ``reap(_:)`` collects it when it
    /// is Slipway's own child.
    public static func spawn(
        executable: String, arguments: [String], environment: [String: String] = [:], logPath: String
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
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of Slipway's is inherited: a server holding Slipway's database connection
        // open would keep PostgreSQL from noticing that Slipway died (and from releasing its locks).
        // Every descriptor above 2 is closed in the child in one step where glibc can (2.34+), so
        // one opened by another thread meanwhile is not missed; else those open now are listed.
        if let closeFrom = Self.addCloseFrom {
            _ = closeFrom(&actions, 3)
        } else {
            for descriptor in openDescriptors() where descriptor > 2 {
                posix_spawn_file_actions_addclose(&actions, descriptor)
            }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A new session: no controlling terminal, not in Slipway's process group.
        posix_spawnattr_setflags(&attributes, Int16(Self.spawnSetSID))

        let cArguments = ([executable] + arguments).map { strdup($0) } + [nil]
        let cEnvironment = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, cArguments, cEnvironment)
        guard spawned == 0 else { throw SystemError("cannot start \(executable)", errno: spawned) }
        return pid
    }

    /// The file descriptors this process has open (from /proc/self/fd); a spawner closes those
    /// above 2 in the child so it inherits nothing of the parent's (sockets, files).
    public static func openDescriptors() -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return names.compactMap { Int32($0) }.sorted()
    }

    /// glibc's `POSIX_SPAWN_SETSID` (0x80), which Swift does not import (it is behind `_GNU_SOURCE`).
    static let spawnSetSID: Int32 = 0x80

    /// Whether a spawned process's descriptors above 2 are closed in one step (glibc 2.34+), not
    /// from a list taken just before.
    public static var closesDescriptorsInOneStep: Bool { addCloseFrom != nil }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), looked up at run time: Swift
    /// does not import it (it is behind `_GNU_SOURCE` too). Nil where the C library lacks it.
    static let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        // nil is RTLD_DEFAULT: the symbol wherever it is loaded (libc).
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
            return nil
        }
        return unsafeBitCast(
            symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self
        )
    }()

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
        // WIFEXITED / WEXITSTATUS, which Swift does not import as macros.
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
