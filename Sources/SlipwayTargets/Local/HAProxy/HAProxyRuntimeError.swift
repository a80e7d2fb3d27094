import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A command to HAProxy's runtime API (its admin `stats socket`) failed: HAProxy said no,
/// answered something unreadable, could not be reached, or the command was refused before
/// it was sent.
///
/// The description names the socket and the command and says what to check next.
public struct HAProxyRuntimeError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong.
    public enum Failure: Sendable, Equatable {
        /// HAProxy answered, and the answer is not the command's success answer, e.g.
        /// `No such server.` or `No such backend.`. `answer` is HAProxy's text, trimmed.
        case rejected(answer: String)
        /// HAProxy answered, but not in the format expected (e.g. a table without its header).
        case unreadableAnswer(answer: String, detail: String)
        /// A system call on the socket failed; `operation` is `connect`, `send`, `receive`, ….
        case socket(operation: String, errno: Int32)
        /// HAProxy stayed silent (or would not take the command) for longer than `timeout`.
        case timedOut(timeout: Duration)
        /// The command was not sent: it could smuggle a second command (a newline or `;`), is
        /// empty, or an argument (backend, server, address, weight, port) is not acceptable.
        case invalidCommand(reason: String)
        /// The socket path cannot be used: empty, or longer than a unix socket address holds.
        case unusableSocketPath(reason: String)
    }

    /// The command, as it was (or would have been) sent, without the trailing newline.
    public var command: String
    /// The path of HAProxy's admin socket.
    public var socketPath: String
    public var failure: Failure

    public init(command: String, socketPath: String, failure: Failure) {
        self.command = command
        self.socketPath = socketPath
        self.failure = failure
    }

    /// HAProxy's own text, when it answered.
    public var answer: String? {
        switch failure {
        case .rejected(let answer), .unreadableAnswer(let answer, _): answer
        default: nil
        }
    }

    /// The socket's errno, when a system call failed.
    public var socketErrno: Int32? {
        if case .socket(_, let code) = failure { return code }
        return nil
    }

    public var description: String {
        switch failure {
        case .rejected(let answer):
            let text = answer.isEmpty ? "(an empty answer)" : answer
            return "HAProxy (runtime API at \(socketPath)) refused `\(command)`: \(text)"
        case .unreadableAnswer(let answer, let detail):
            return """
                HAProxy (runtime API at \(socketPath)) answered `\(command)` with something Slipway cannot read \
                (\(detail)); is this HAProxy 2.x? Its answer: \(answer.isEmpty ? "(empty)" : answer)
                """
        case .socket(let operation, let code):
            let reason = String(cString: strerror(code))
            return "cannot \(operation) HAProxy's runtime API at \(socketPath) for `\(command)`: \(reason) "
                + "(errno \(code)); \(Self.hint(forErrno: code, socketPath: socketPath))"
        case .timedOut(let timeout):
            return "HAProxy (runtime API at \(socketPath)) did not answer `\(command)` within \(timeout); "
                + "is HAProxy overloaded or stopped (SIGSTOP)? Raise the client's timeout if it is just slow."
        case .invalidCommand(let reason):
            return "did not send `\(command)` to HAProxy at \(socketPath): \(reason)"
        case .unusableSocketPath(let reason):
            return "cannot use \(socketPath.isEmpty ? "an empty path" : socketPath) as HAProxy's runtime API "
                + "socket for `\(command)`: \(reason)"
        }
    }

    /// What a person should check for a socket errno.
    private static func hint(forErrno code: Int32, socketPath: String) -> String {
        switch code {
        case ENOENT:
            "no socket exists there: is HAProxy running, with `stats socket \(socketPath) level admin` in its global section?"
        case ECONNREFUSED:
            "the socket file exists but nothing listens on it: HAProxy has probably stopped and left it behind"
        case EACCES, EPERM:
            "this user may not open the socket: check its owner and `mode` on the `stats socket` line"
        case ENOTSOCK:
            "the path is not a socket: check the `stats socket` line of HAProxy's configuration"
        case EPIPE, ECONNRESET:
            "HAProxy closed the connection early: check its log, and that the socket has `level admin`"
        default:
            "check that HAProxy is running and its `stats socket` line"
        }
    }
}
