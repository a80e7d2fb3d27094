import Dispatch
import Foundation
import SlipwaySystem

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
    /// No descriptor of Slipway's is inherited (``ChildProcess``).
    static func spawn(
        executable: String, arguments: [String], environment: [String: String], directory: String, logPath: String,
        appending: Bool = false
    ) throws(SpawnFailure) -> StepProcess {
        do {
            let pid = try ChildProcess.spawn(ChildProcess.Launch(
                executable: executable, arguments: arguments, environment: environment, directory: directory,
                output: ChildProcess.Output(path: logPath, appending: appending, mode: 0o644), grouping: .ownGroup
            ))
            return StepProcess(pid: pid)
        } catch {
            throw SpawnFailure(message: error.errno.map { String(cString: strerror($0)) } ?? error.message)
        }
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
            return ChildProcess.exitStatus(status)
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
}
