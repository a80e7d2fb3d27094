import Foundation

/// A failed operating-system call: what was being done, and the errno's text.
public struct SystemError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var errno: Int32?

    public init(_ message: String, errno: Int32? = nil) {
        self.message = message
        self.errno = errno
    }

    public var description: String {
        guard let errno, errno != 0 else { return message }
        return "\(message): \(String(cString: strerror(errno)))"
    }
}
