/// A failure of the Local target, with what to do about it.
public struct LocalTargetError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The tail of a log that explains it, when there is one.
    public var log: String?

    public init(_ message: String, log: String? = nil) {
        self.message = message
        self.log = log
    }

    public var description: String {
        guard let log, !log.isEmpty else { return message }
        return message + "\n  last lines of the log:\n" + log.split(separator: "\n").suffix(15).map { "    " + $0 }.joined(separator: "\n")
    }
}
