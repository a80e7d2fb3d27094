/// A scanner's report could not be read: it is not JSON, or not the shape the scanner writes.
/// The message names the field that is missing or wrong, as a path into the report
/// (`Results[0].Vulnerabilities[2].PkgName`), and says what was expected.
public struct ScanReportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The report is empty or not JSON at all (a table, a log, a truncated file).
        case notJSON
        /// The report is JSON, but a field is missing or of the wrong type, or it is another scanner's report.
        case wrongShape
        /// The report is of a format version Slipway does not read (SARIF other than 2.1.0, trivy schema other than 2).
        case unsupportedVersion
    }

    public var code: Code
    /// The format the report was read as.
    public var scanner: VulnerabilityScan.Scanner
    /// What is wrong, in words a person can act on.
    public var message: String
    /// Where in the report, as a path (`runs[0].results[3].ruleId`); nil for the report as a whole.
    public var path: String?
    /// The underlying error's text, when there is one (the JSON parser's complaint).
    public var cause: String?

    public init(_ code: Code, scanner: VulnerabilityScan.Scanner, _ message: String, path: String? = nil, cause: String? = nil) {
        self.code = code
        self.scanner = scanner
        self.message = message
        self.path = path
        self.cause = cause
    }

    /// `trivy report: Results[0].Vulnerabilities[2]: missing field "PkgName"; ...`
    public var description: String {
        var text = "\(scanner.rawValue) report: "
        if let path { text += "\(path): " }
        text += message
        if let cause { text += " (\(cause))" }
        return text
    }
}
