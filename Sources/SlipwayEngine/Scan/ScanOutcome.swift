import SlipwayCore
import SlipwayLedger

/// How one `scan:` entry came out: the scan to record, why it stops the run (if it does), and for
/// an SBOM the file to record as an artifact.
struct ScanOutcome {
    var name: String
    var kind: ScanRecord.Kind
    var tool: String
    var status: ScanRecord.Status
    var counts: JSONValue = .object([:])
    var summary: String
    var reportDigest: String?
    var reportLocation: String?
    var evaluation: JSONValue?
    /// Set when the entry stops the run.
    var failure: ScanFailure?
    /// The SBOM, recorded as an artifact of the run.
    var sbom: ProducedArtifact?

    /// The scan could not be made: recorded as `error`, and it stops the run.
    static func error(_ failure: ScanFailure, kind: ScanRecord.Kind, tool: String, reportDigest: String? = nil, reportLocation: String? = nil) -> ScanOutcome {
        ScanOutcome(
            name: failure.scan, kind: kind, tool: tool, status: .error, summary: failure.message,
            reportDigest: reportDigest, reportLocation: reportLocation, failure: failure
        )
    }

    /// The tool is not installed and the entry is optional: recorded as `not_scanned`.
    static func notScanned(_ name: String, kind: ScanRecord.Kind, tool: String, reason: String) -> ScanOutcome {
        ScanOutcome(name: name, kind: kind, tool: tool, status: .notScanned, summary: "\(reason); the entry is optional")
    }

    func newScan(runID: Int64) -> NewScan {
        NewScan(
            runID: runID, name: name, kind: kind, tool: tool, status: status, counts: counts, summary: summary,
            reportDigest: reportDigest, reportLocation: reportLocation, evaluation: evaluation
        )
    }
}
