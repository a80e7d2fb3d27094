import Foundation

/// Reads trivy's JSON report (`trivy image --format json`): schema version 2, an object whose
/// `Results` each name a `Target` and list its `Vulnerabilities`.
///
/// A result without `Vulnerabilities` (or with `null`) has none; a report without `Results`
/// found nothing to scan. The bare list of results trivy wrote before schema version 2 is read too.
public enum TrivyReport {
    public static func parse(_ data: Data) throws(ScanReportError) -> [ScanFinding] {
        let results: [Result]
        switch try ScanReport.topLevel(of: data, scanner: .trivy) {
        case .array:
            results = try ScanReport.decode([Result].self, from: data, scanner: .trivy)
        case .object(let keys):
            try ScanReport.requireKeys(["SchemaVersion"], in: keys, scanner: .trivy)
            let document = try ScanReport.decode(Document.self, from: data, scanner: .trivy)
            guard document.schemaVersion == 2 else {
                throw ScanReportError(
                    .unsupportedVersion, scanner: .trivy,
                    "SchemaVersion is \(document.schemaVersion); Slipway reads SchemaVersion 2, written by trivy 0.20 and later",
                    path: "SchemaVersion"
                )
            }
            results = document.results ?? []
        case .scalar:
            throw ScanReportError(.wrongShape, scanner: .trivy, "the report is a single value; expected \(ScanReport.expectation(for: .trivy))")
        }
        var findings: [ScanFinding] = []
        for (resultIndex, result) in results.enumerated() {
            for (index, vulnerability) in (result.vulnerabilities ?? []).enumerated() {
                guard let severity = Severity(scannerWord: vulnerability.severity) else {
                    throw ScanReportError(
                        .wrongShape, scanner: .trivy,
                        "unknown severity \"\(vulnerability.severity)\"; expected one of \(Severity.scannerWords)",
                        path: "Results[\(resultIndex)].Vulnerabilities[\(index)].Severity"
                    )
                }
                findings.append(ScanFinding(
                    id: vulnerability.vulnerabilityID,
                    package: vulnerability.pkgName,
                    installedVersion: vulnerability.installedVersion,
                    fixedVersion: ScanText.nonBlank(vulnerability.fixedVersion),
                    fix: fixState(status: vulnerability.status),
                    severity: severity,
                    scannerSeverity: vulnerability.severity,
                    title: ScanText.firstLine(vulnerability.title) ?? ScanText.firstLine(vulnerability.description),
                    location: ScanText.nonBlank(result.target)
                ))
            }
        }
        return findings
    }

    /// What trivy's `Status` says when there is no `FixedVersion`: `affected`, `will_not_fix`,
    /// `fix_deferred` and `end_of_life` (or no status, from older trivy) mean no fix;
    /// `unknown` and `under_investigation` mean trivy does not know.
    private static func fixState(status: String?) -> ScanFinding.FixState {
        switch status {
        case "unknown", "under_investigation": .unknown
        default: .notFixed
        }
    }

    private struct Document: Decodable {
        let schemaVersion: Int
        let results: [Result]?

        enum CodingKeys: String, CodingKey {
            case schemaVersion = "SchemaVersion"
            case results = "Results"
        }
    }

    private struct Result: Decodable {
        let target: String?
        let vulnerabilities: [Vulnerability]?

        enum CodingKeys: String, CodingKey {
            case target = "Target"
            case vulnerabilities = "Vulnerabilities"
        }
    }

    private struct Vulnerability: Decodable {
        let vulnerabilityID: String
        let pkgName: String
        let installedVersion: String
        let fixedVersion: String?
        let status: String?
        let severity: String
        let title: String?
        let description: String?

        enum CodingKeys: String, CodingKey {
            case vulnerabilityID = "VulnerabilityID"
            case pkgName = "PkgName"
            case installedVersion = "InstalledVersion"
            case fixedVersion = "FixedVersion"
            case status = "Status"
            case severity = "Severity"
            case title = "Title"
            case description = "Description"
        }
    }
}
