import Foundation
import SlipwayCore
import Testing

/// The scanner reports under `Fixtures/Scan/`, written in the shape trivy, grype and SARIF
/// producers write them.
enum ScanFixture {
    static func data(_ name: String) throws -> Data {
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/Scan"),
            "missing fixture Fixtures/Scan/\(name)"
        )
        return try Data(contentsOf: url)
    }

    static func trivyFindings() throws -> [ScanFinding] {
        try TrivyReport.parse(data("trivy-image.json"))
    }

    static func grypeFindings() throws -> [ScanFinding] {
        try GrypeReport.parse(data("grype.json"))
    }

    /// The instant `text` (`2026-06-30T00:00:00Z`) names.
    static func instant(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text))
    }

    static func day(_ text: String) throws -> CalendarDay {
        try #require(CalendarDay(text))
    }

    /// A finding with the parts a policy test cares about.
    static func finding(
        _ id: String, _ severity: Severity, package: String = "libexample", fixedVersion: String? = "1.0.1",
        fix: ScanFinding.FixState? = nil
    ) -> ScanFinding {
        ScanFinding(id: id, package: package, installedVersion: "1.0.0", fixedVersion: fixedVersion, fix: fix, severity: severity)
    }
}

extension Data {
    /// The UTF-8 bytes of `text`, for reports written inline in a test.
    static func json(_ text: String) -> Data { Data(text.utf8) }
}
