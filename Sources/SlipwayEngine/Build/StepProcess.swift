import Dispatch
import Foundation

/// A build step's program running as a child process: in a process group of its own (so a
/// timeout stops everything it started), in a given directory, with standard input from
/// /dev/null and standard output and error written to a log file (a file, never a pipe, so a
/// step printing gigabytes costs disk, not memory, and never blocks on a full pipe).
struct StepProcess {
    /// How a step's process ended.
    enum Outcome: Equatable {
        /// It exited by itself: its exit status, or 128 + the signal that ended it.
        case exited(Int32)
        /// It ran past its timeout and was stopped.
        case timedOut
    }

    /// Why a program could not be started.
    struct SpawnFailure: Error {
        var message: String
    }

    let pid: pid_t

    /// Starts `executable` (an absolute path) with `arguments` (not including argv[0]) in
    /// `directory`, with exactly `environment`, its output truncating and then writing `logPath`
    /// (or added to its end, when `appending`: a step of several commands keeps one log).
    static func spawn(
        executable: String, arguments: [String], environment: [String: String], directory: String, logPath: String,
        appending: Bool = false
    ) throws(SpawnFailure) -> StepProcess {
        var program = executable
        var argv = [executable] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | (appending ? O_APPEND : O_TRUNC), 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        if let addChdir = Self.addChdir {
            guard addChdir(&actions, directory) == 0 else {
                throw SpawnFailure(message: "cannot prepare to run in \(directory)")
            }
        } else {
            // Without glibc's addchdir (before 2.29), a shell changes directory and then becomes the program.
            program = "/bin/sh"
            argv = ["/bin/sh", "-c", "cd -- \"$0\" && exec \"$@\"", directory] + argv
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A process group of its own (pgid == pid), so the whole group can be signalled; no
        // blocked signals; and the signals Slipway (or NIO) ignores back to their defaults,
        // since ignored signals stay ignored across exec (a `yes | head` would never end).
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGCHLD, SIGXFSZ, SIGUSR1, SIGUSR2] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        )

        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, &attributes, cArguments, cEnvironment)
        guard spawned == 0 else { throw SpawnFailure(message: String(cString: strerror(spawned))) }
        return StepProcess(pid: pid)
    }

    /// Waits for the process to exit, stopping its process group once `timeout` has passed
    /// (SIGTERM, then SIGKILL after `grace`). When the waiting task is cancelled, the group is
    /// stopped the same way and `CancellationError` is thrown.
    func wait(timeout: Duration, grace: Duration) async throws -> Outcome {
        let deadline = ContinuousClock.now + timeout
        var interval = 5
        while true {
            if let status = reap() { return .exited(status) }
            if Task.isCancelled {
                await stop(grace: grace)
                throw CancellationError()
            }
            if ContinuousClock.now >= deadline {
                await stop(grace: grace)
                return .timedOut
            }
            await Self.pause(milliseconds: interval)
            interval = min(interval * 2, 100)
        }
    }

    /// Sends SIGTERM to the process group, waits up to `grace` for the process to exit, then
    /// sends SIGKILL to whatever is left of the group and reaps the process.
    func stop(grace: Duration) async {
        kill(-pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        var exited = reap() != nil
        while !exited && ContinuousClock.now < deadline {
            await Self.pause(milliseconds: 10)
            exited = reap() != nil
        }
        kill(-pid, SIGKILL)
        while !exited {
            await Self.pause(milliseconds: 10)
            exited = reap() != nil
        }
    }

    /// The exit status when the process has exited (collecting it), nil while it runs.
    private func reap() -> Int32? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid {
            // WIFEXITED / WEXITSTATUS, which Swift does not import as macros.
            return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        }
        if result < 0 && errno != EINTR { return -1 }  // not our child (any more): nothing to wait for
        return nil
    }

    /// Sleeps without being cut short by cancellation (the stop sequence must finish) and
    /// without holding a thread of the concurrency pool.
    private static func pause(milliseconds: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) {
                continuation.resume()
            }
        }
    }

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29 and later), which Swift does not
    /// import (it is behind `_GNU_SOURCE`), looked up at run time.
    private static let addChdir: AddChdir? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()

    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
}
