import Foundation

/// An exclusive advisory lock on a file (`flock`), for work that two Slipway processes on one
/// machine must not do at once, such as creating and starting the embedded PostgreSQL. The lock
/// goes with the process: a process that dies holding it releases it.
public enum FileLock {
    /// Runs `body` holding the lock on `path` (created when missing), waiting for another holder
    /// by polling every `poll`, so no thread is blocked while waiting.
    public static func withExclusiveLock<T>(
        at path: String, poll: Duration = .milliseconds(50), _ body: () async throws -> T
    ) async throws -> T {
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SystemError("cannot open the lock file \(path)", errno: errno) }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw SystemError("cannot lock \(path)", errno: errno)
            }
            try await Task.sleep(for: poll)
        }
        return try await body()
    }
}
