/// Why a `scan:` entry stopped the run: its findings fail the policy, or it could not be made
/// (the tool is missing or failed, a report or the ignore list cannot be read). Each is recorded
/// as a scan of the run before the run fails; the description ends with what to do.
public struct ScanFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// Findings at or above `failOn` that nothing ignores.
        case policyFailed
        /// The scanner (or SBOM tool) is not installed, and the entry is not optional.
        case toolNotFound
        /// The tool exited non-zero.
        case toolFailed
        /// The tool ran past the entry's timeout.
        case timedOut
        /// The report the entry names (or the tool was to write) is not there.
        case reportMissing
        /// The report is not the scanner's JSON (or not a CycloneDX SBOM).
        case reportUnreadable
        /// The ignore file is missing or has mistakes.
        case ignoreListInvalid
        /// What the entry scans is not there (a `path:` that is no directory).
        case subjectMissing
    }

    /// The scan entry's name.
    public var scan: String
    public var code: Code
    public var message: String
    public var advice: String
    /// The tool's log, when it ran.
    public var logPath: String?
    public var logTail: String?

    public init(scan: String, _ code: Code, _ message: String, advice: String, logPath: String? = nil, logTail: String? = nil) {
        self.scan = scan
        self.code = code
        self.message = message
        self.advice = advice
        self.logPath = logPath
        self.logTail = logTail
    }

    public var description: String {
        var text = "scan \(scan): \(message)"
        if let logPath { text += "; its log is \(logPath)" }
        text += "\n"
        if let logTail, !logTail.isEmpty {
            text += LogTail.quoted(logTail)
        }
        return text + "  what to do: \(advice)"
    }
}
