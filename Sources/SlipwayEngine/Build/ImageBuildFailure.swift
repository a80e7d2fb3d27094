/// Why an image step failed: the builder is not installed, the Containerfile failed, the registry
/// refused the push, or no digest came back. The description ends with what to do.
public struct ImageBuildFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The builder the spec names is not installed on the runner.
        case builderNotFound
        /// The Containerfile or the build context is not in the commit.
        case inputMissing
        /// The build (the Containerfile's instructions) failed.
        case buildFailed
        /// The registry refused the push, or could not be reached.
        case pushFailed
        /// Keeping a local copy of the image for the scans failed.
        case exportFailed
        /// The builder ran longer than the step's timeout.
        case timedOut
        /// The builder did not say which digest the pushed image has.
        case digestMissing
        /// Registry credentials in the environment are incomplete or unreadable.
        case credentials
    }

    /// The image step.
    public var step: String
    public var code: Code
    /// What happened.
    public var message: String
    /// What to do about it.
    public var advice: String
    /// The step's log, when the builder ran.
    public var logPath: String?
    /// The end of the log, when the builder ran and failed.
    public var logTail: String?

    public init(step: String, _ code: Code, _ message: String, advice: String, logPath: String? = nil, logTail: String? = nil) {
        self.step = step
        self.code = code
        self.message = message
        self.advice = advice
        self.logPath = logPath
        self.logTail = logTail
    }

    public var description: String {
        var text = "image step \(step): \(message)"
        if let logPath { text += "; its log is \(logPath)" }
        text += "\n"
        if let logTail {
            text += logTail.isEmpty
                ? "  (the builder printed nothing)\n"
                : LogTail.quoted(logTail)
        }
        return text + "  what to do: \(advice)"
    }
}
