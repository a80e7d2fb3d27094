import Foundation

/// Reads grype's JSON report (`grype <image> -o json`): an object whose `matches` each pair a
/// `vulnerability` (`id`, `severity`, `fix.versions`, `fix.state`) with the `artifact` (`name`,
/// `version`, `locations`) it was found in.
public enum GrypeReport {
    public static func parse(_ data: Data) throws(ScanReportError) -> [ScanFinding] {
        switch try ScanReport.topLevel(of: data, scanner: .grype) {
        case .object(let keys):
            try ScanReport.requireKeys(["matches"], in: keys, scanner: .grype)
        case .array, .scalar:
            throw ScanReportError(
                .wrongShape, scanner: .grype,
                "the report is not a JSON object; this does not look like \(ScanReport.expectation(for: .grype))"
            )
        }
        let document = try ScanReport.decode(Document.self, from: data, scanner: .grype)
        var findings: [ScanFinding] = []
        for (index, match) in document.matches.enumerated() {
            let vulnerability = match.vulnerability
            let word = vulnerability.severity ?? ""
            guard let severity = Severity(scannerWord: word) else {
                throw ScanReportError(
                    .wrongShape, scanner: .grype,
                    "unknown severity \"\(word)\"; expected one of \(Severity.scannerWords)",
                    path: "matches[\(index)].vulnerability.severity"
                )
            }
            let versions = (vulnerability.fix?.versions ?? []).compactMap { ScanText.nonBlank($0) }
            let description = ScanText.nonBlank(vulnerability.description)
                ?? match.relatedVulnerabilities?.lazy.compactMap { ScanText.nonBlank($0.description) }.first
            findings.append(ScanFinding(
                id: vulnerability.id,
                package: match.artifact.name,
                installedVersion: match.artifact.version,
                fixedVersion: versions.isEmpty ? nil : versions.joined(separator: ", "),
                fix: fixState(vulnerability.fix?.state),
                severity: severity,
                scannerSeverity: word.isEmpty ? "Unknown" : word,
                title: ScanText.firstLine(description),
                location: match.artifact.locations?.lazy.compactMap { ScanText.nonBlank($0.path) }.first
                    ?? document.source?.target?.name
            ))
        }
        return findings
    }

    /// grype's `fix.state`: `not-fixed` and `wont-fix` mean no fix; `unknown`, an empty state or
    /// none mean grype does not know (though its own `--only-fixed` drops those too).
    private static func fixState(_ state: String?) -> ScanFinding.FixState {
        switch state {
        case "fixed": .fixed
        case "not-fixed", "wont-fix": .notFixed
        default: .unknown
        }
    }

    private struct Document: Decodable {
        let matches: [Match]
        let source: Source?
    }

    private struct Match: Decodable {
        let vulnerability: Vulnerability
        let relatedVulnerabilities: [Related]?
        let artifact: Artifact
    }

    private struct Vulnerability: Decodable {
        let id: String
        let severity: String?
        let description: String?
        let fix: Fix?
    }

    private struct Fix: Decodable {
        let versions: [String]?
        let state: String?
    }

    private struct Related: Decodable {
        let description: String?
    }

    private struct Artifact: Decodable {
        let name: String
        let version: String
        let locations: [Location]?
    }

    private struct Location: Decodable {
        let path: String?
    }

    /// What was scanned: `{"type": "image", "target": {"userInput": "nginx:1.25", ...}}`, or for a
    /// directory, `{"type": "directory", "target": "/src"}`.
    private struct Source: Decodable {
        let target: Target?

        enum CodingKeys: String, CodingKey { case target }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            target = try? container.decodeIfPresent(Target.self, forKey: .target)
        }
    }

    private struct Target: Decodable {
        let name: String?

        enum CodingKeys: String, CodingKey { case userInput }

        init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                name = ScanText.nonBlank(text)
            } else {
                name = ScanText.nonBlank(try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .userInput))
            }
        }
    }
}
