/// Scanners' severity words and scores on Slipway's five-step scale.
extension Severity {
    /// trivy's (`UNKNOWN`, `LOW`, `MEDIUM`, `HIGH`, `CRITICAL`) and grype's (`Unknown`, `Negligible`,
    /// `Low`, `Medium`, `High`, `Critical`) severity words, in any case, and GitHub's `moderate` (medium).
    ///
    /// `Unknown`, and an empty word, are `.negligible`: the advisory database has not rated the
    /// vulnerability, so it fails only a policy of `failOn: negligible`. The scanner's word is kept
    /// in `ScanFinding.scannerSeverity`, and the finding is still counted. Nil for any other word.
    init?(scannerWord word: String) {
        switch word.lowercased() {
        case "critical": self = .critical
        case "high": self = .high
        case "medium", "moderate": self = .medium
        case "low": self = .low
        case "negligible", "unknown", "": self = .negligible
        default: return nil
        }
    }

    /// The words `init(scannerWord:)` reads, for "expected one of".
    static let scannerWords = "CRITICAL, HIGH, MEDIUM, LOW, NEGLIGIBLE or UNKNOWN"

    /// A CVSS base score (0–10) as GitHub's code scanning reads SARIF's `security-severity`:
    /// 9.0 and above critical, 7.0 high, 4.0 medium, above 0 low, 0 negligible.
    init(cvssScore score: Double) {
        switch score {
        case 9...: self = .critical
        case 7..<9: self = .high
        case 4..<7: self = .medium
        case _ where score > 0: self = .low
        default: self = .negligible
        }
    }

    /// A SARIF result's `level`: `error` high, `warning` medium, `note` low, `none` negligible.
    /// Nil for any other word.
    init?(sarifLevel level: String) {
        switch level {
        case "error": self = .high
        case "warning": self = .medium
        case "note": self = .low
        case "none": self = .negligible
        default: return nil
        }
    }
}
