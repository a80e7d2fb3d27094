import Foundation
import SlipwayCore

extension ScanRecord {
    /// The scan as the scan rules judge it: its name, its status and, for a scan that passed or
    /// failed, its findings by severity. A scan that did not complete has none to count.
    ///
    /// - Throws: `LedgerError` `.query` when a completed scan's counts cannot be read as findings
    ///   by severity: reading them as none would let the release pass a rule it may fail.
    public func outcome() throws -> ScanOutcomeSummary {
        switch status {
        case .passed, .failed:
            let counts: SeverityCounts
            do {
                counts = try JSONDecoder().decode(SeverityCounts.self, from: Data(StepRecord.text(self.counts).utf8))
            } catch {
                throw LedgerError(
                    .query,
                    "scan \(name) of run \(runID) (scans row \(id), \(status.rawValue)) has counts \(StepRecord.text(self.counts)) that are not findings by severity (critical, high, medium, low, negligible: \(Self.reason(error))); its findings cannot be judged, so it satisfies no scan rule — scan the release again"
                )
            }
            return ScanOutcomeSummary(name: name, status: status == .passed ? .passed : .failed, counts: counts)
        case .notScanned:
            return ScanOutcomeSummary(name: name, status: .notScanned, counts: SeverityCounts())
        case .error:
            return ScanOutcomeSummary(name: name, status: .error, counts: SeverityCounts())
        }
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "\(key.stringValue) is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context), DecodingError.dataCorrupted(let context):
            "\(context.codingPath.map(\.stringValue).joined(separator: ".")) is not a count"
        default: "\(error)"
        }
    }
}
