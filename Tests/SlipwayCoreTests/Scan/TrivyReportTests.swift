import Foundation
import SlipwayCore
import Testing

@Suite struct TrivyReportTests {
    static let osTarget = "registry.example.com/model-serve:1.4.2 (debian 12.5)"

    @Test func readsEveryVulnerabilityOfEveryResult() throws {
        let findings = try ScanFixture.trivyFindings()
        #expect(findings.map(\.id) == [
            "CVE-2023-45853", "CVE-2024-2961", "CVE-2024-5535", "CVE-2024-26458", "CVE-2011-3374", "CVE-2025-0395",
            "CVE-2024-35195",
        ])
        #expect(findings.map(\.severity) == [.critical, .high, .high, .medium, .low, .negligible, .medium])
        #expect(SeverityCounts(findings) == {
            var counts = SeverityCounts()
            counts.critical = 1
            counts.high = 2
            counts.medium = 2
            counts.low = 1
            counts.negligible = 1
            return counts
        }())
    }

    @Test func readsTheFieldsOfAFixedVulnerability() throws {
        let libc = try #require(try ScanFixture.trivyFindings().first { $0.id == "CVE-2024-2961" })
        #expect(libc == ScanFinding(
            id: "CVE-2024-2961", package: "libc6", installedVersion: "2.36-9+deb12u4", fixedVersion: "2.36-9+deb12u7",
            severity: .high, scannerSeverity: "HIGH", title: "glibc: Out of bounds write in iconv may lead to remote code execution",
            location: Self.osTarget
        ))
        #expect(libc.fix == .fixed)
    }

    @Test func aVulnerabilityWithoutFixedVersionHasNoFix() throws {
        let zlib = try #require(try ScanFixture.trivyFindings().first { $0.id == "CVE-2023-45853" })
        #expect(zlib.package == "zlib1g")
        #expect(zlib.fixedVersion == nil)
        #expect(zlib.fix == .notFixed)
        #expect(zlib.severity == .critical)
    }

    @Test func unknownIsNegligibleAndKeepsTheScannersWord() throws {
        let unrated = try #require(try ScanFixture.trivyFindings().first { $0.id == "CVE-2025-0395" })
        #expect(unrated.severity == .negligible)
        #expect(unrated.scannerSeverity == "UNKNOWN")
        // No Title: the title is the description's first line, cut to 160 characters.
        let title = try #require(unrated.title)
        #expect(title.hasPrefix("When the assert() function in the GNU C Library"))
        #expect(title.count == 160)
        #expect(title.hasSuffix("…"))
    }

    @Test func aLanguagePackageIsLocatedAtItsResultsTarget() throws {
        let requests = try #require(try ScanFixture.trivyFindings().first { $0.id == "CVE-2024-35195" })
        #expect(requests.package == "requests")
        #expect(requests.location == "Python")
        #expect(requests.fixedVersion == "2.32.0")
    }

    @Test func resultsWithoutVulnerabilitiesAndReportsWithoutResultsHaveNone() throws {
        #expect(try TrivyReport.parse(.json(#"{"SchemaVersion": 2, "ArtifactName": "alpine:3.20"}"#)) == [])
        #expect(try TrivyReport.parse(.json("""
            {"SchemaVersion": 2, "Results": [
              {"Target": "alpine:3.20 (alpine 3.20.3)", "Class": "os-pkgs", "Type": "alpine"},
              {"Target": "app/package-lock.json", "Class": "lang-pkgs", "Type": "npm", "Vulnerabilities": null}
            ]}
            """)) == [])
    }

    @Test func readsTheBareListOfResultsOfOlderTrivy() throws {
        let findings = try TrivyReport.parse(.json("""
            [{"Target": "node-app/package-lock.json", "Vulnerabilities": [
              {"VulnerabilityID": "CVE-2018-16487", "PkgName": "lodash", "InstalledVersion": "4.17.4",
               "FixedVersion": ">=4.17.11", "Severity": "HIGH", "Title": "lodash: Prototype pollution in utilities function"}
            ]}]
            """))
        #expect(findings == [ScanFinding(
            id: "CVE-2018-16487", package: "lodash", installedVersion: "4.17.4", fixedVersion: ">=4.17.11", severity: .high,
            scannerSeverity: "HIGH", title: "lodash: Prototype pollution in utilities function", location: "node-app/package-lock.json"
        )])
    }

    @Test func aStatusOfUnderInvestigationMeansTheFixIsNotKnown() throws {
        let findings = try TrivyReport.parse(.json("""
            {"SchemaVersion": 2, "Results": [{"Target": "t", "Vulnerabilities": [
              {"VulnerabilityID": "CVE-2026-0001", "PkgName": "p", "InstalledVersion": "1", "FixedVersion": "",
               "Status": "under_investigation", "Severity": "HIGH"},
              {"VulnerabilityID": "CVE-2026-0002", "PkgName": "p", "InstalledVersion": "1", "Status": "affected", "Severity": "HIGH"}
            ]}]}
            """))
        #expect(findings.map(\.fix) == [.unknown, .notFixed])
        #expect(findings.map(\.fixedVersion) == [nil, nil])
    }

    @Test func anotherSchemaVersionIsNotRead() throws {
        let error = #expect(throws: ScanReportError.self) {
            try TrivyReport.parse(.json(#"{"SchemaVersion": 3, "Results": []}"#))
        }
        #expect(error?.code == .unsupportedVersion)
        #expect(error?.path == "SchemaVersion")
        #expect(error?.message.contains("SchemaVersion is 3") == true)
    }

    @Test func anUnknownSeverityWordNamesWhereItIs() throws {
        let error = #expect(throws: ScanReportError.self) {
            try TrivyReport.parse(.json("""
                {"SchemaVersion": 2, "Results": [{"Target": "t", "Vulnerabilities": [
                  {"VulnerabilityID": "CVE-2026-0001", "PkgName": "p", "InstalledVersion": "1", "Severity": "SEVERE"}
                ]}]}
                """))
        }
        #expect(error?.code == .wrongShape)
        #expect(error?.path == "Results[0].Vulnerabilities[0].Severity")
        #expect(error?.message.contains("unknown severity \"SEVERE\"") == true)
    }
}
