import Foundation
import SlipwayCore
import Testing

@Suite struct GrypeReportTests {
    @Test func readsEveryMatch() throws {
        let findings = try ScanFixture.grypeFindings()
        #expect(findings.map(\.id) == [
            "CVE-2023-45853", "CVE-2024-2961", "GHSA-9wx4-h78v-vm56", "CVE-2024-26458", "CVE-2011-3374", "CVE-2025-0395",
        ])
        #expect(findings.map(\.severity) == [.critical, .high, .medium, .low, .negligible, .negligible])
        #expect(findings.map(\.scannerSeverity) == ["Critical", "High", "Medium", "Low", "Negligible", "Unknown"])
        #expect(findings.map(\.fix) == [.notFixed, .fixed, .fixed, .notFixed, .notFixed, .unknown])
    }

    @Test func readsTheArtifactAndTheFix() throws {
        let requests = try #require(try ScanFixture.grypeFindings().first { $0.id == "GHSA-9wx4-h78v-vm56" })
        #expect(requests == ScanFinding(
            id: "GHSA-9wx4-h78v-vm56", package: "requests", installedVersion: "2.31.0", fixedVersion: "2.32.0", severity: .medium,
            scannerSeverity: "Medium",
            title: "Requests `Session` object does not verify requests after making first request with verify=False",
            location: "/usr/local/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA"
        ))
    }

    @Test func withoutADescriptionTheTitleComesFromARelatedVulnerability() throws {
        let findings = try ScanFixture.grypeFindings()
        let zlib = try #require(findings.first { $0.id == "CVE-2023-45853" })
        #expect(zlib.title?.hasPrefix("MiniZip in zlib through 1.3 has an integer overflow") == true)
        #expect(zlib.fixedVersion == nil)
        let unrated = try #require(findings.first { $0.id == "CVE-2025-0395" })
        #expect(unrated.title == nil)
    }

    @Test func severalFixedVersionsAreListedAndADirectoryTargetLocatesArtifactsWithoutLocations() throws {
        let findings = try GrypeReport.parse(.json("""
            {"matches": [{
              "vulnerability": {"id": "GHSA-jfh8-c2jp-5v3q", "severity": "Critical",
                                "fix": {"versions": ["2.15.0", "2.12.2"], "state": "fixed"}},
              "artifact": {"name": "log4j-core", "version": "2.14.1", "type": "java-archive"}
            }],
            "source": {"type": "directory", "target": "/src/service"}}
            """))
        #expect(findings.first?.fixedVersion == "2.15.0, 2.12.2")
        #expect(findings.first?.location == "/src/service")
        #expect(findings.first?.severity == .critical)
    }

    @Test func noMatchesIsNoFindings() throws {
        #expect(try GrypeReport.parse(.json(#"{"matches": [], "descriptor": {"name": "grype"}}"#)) == [])
    }

    @Test func aMatchWithoutAnArtifactNameIsAWrongShape() throws {
        let error = #expect(throws: ScanReportError.self) {
            try GrypeReport.parse(.json(#"{"matches": [{"vulnerability": {"id": "CVE-1"}, "artifact": {"version": "1"}}]}"#))
        }
        #expect(error?.code == .wrongShape)
        #expect(error?.path == "matches[0].artifact")
        #expect(error?.message.hasPrefix("missing field \"name\"; this does not look like grype's JSON report") == true)
    }
}
