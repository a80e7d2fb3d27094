import Foundation

/// Reads a vulnerability scanner's report into findings: the report of the scanner a
/// pipeline's `scan:` entry names. Pure: the caller runs the scanner and reads its output.
public enum ScanReport {
    /// The findings in `data`, read as the report of `scanner`.
    public static func parse(_ data: Data, as scanner: VulnerabilityScan.Scanner) throws(ScanReportError) -> [ScanFinding] {
        switch scanner {
        case .trivy: try TrivyReport.parse(data)
        case .grype: try GrypeReport.parse(data)
        case .sarif: try SARIFReport.parse(data)
        }
    }

    /// What a report of `scanner` is, and how to produce one: the end of every "expected ..." message.
    public static func expectation(for scanner: VulnerabilityScan.Scanner) -> String {
        switch scanner {
        case .trivy: "trivy's JSON report (`trivy image --format json`, SchemaVersion 2)"
        case .grype: "grype's JSON report (`grype <image> -o json`)"
        case .sarif: "a SARIF 2.1.0 log (`trivy image --format sarif`, `grype <image> -o sarif`)"
        }
    }

    /// A report's top-level keys that say which format it is in, for "this is a grype report, not a trivy one".
    static func formatNamed(byKeys keys: Set<String>) -> String? {
        if keys.contains("SchemaVersion") || (keys.contains("Results") && keys.contains("ArtifactName")) { return "trivy" }
        if keys.contains("matches") { return "grype" }
        if keys.contains("runs") { return "sarif" }
        if keys.contains("bomFormat") { return "CycloneDX SBOM" }
        if keys.contains("spdxVersion") { return "SPDX SBOM" }
        return nil
    }
}
