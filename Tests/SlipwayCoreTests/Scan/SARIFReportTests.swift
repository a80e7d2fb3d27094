import Foundation
import SlipwayCore
import Testing

@Suite struct SARIFReportTests {
    /// A SARIF log of one run whose results are `results` (JSON text) and rules `rules`.
    static func log(results: String, rules: String = "[]") -> Data {
        .json("""
            {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "scanner", "rules": \(rules)}}, "results": \(results)}]}
            """)
    }

    @Test func readsTheResultsOfEveryRun() throws {
        let findings = try SARIFReport.parse(ScanFixture.data("report.sarif"))
        #expect(findings.map(\.id) == ["CVE-2023-45853", "CVE-2024-2961", "CVE-2024-35195", "CVE-2024-26458", "CVE-2011-3374"])
        #expect(findings.map(\.severity) == [.critical, .high, .medium, .medium, .low])
        #expect(findings.map(\.scannerSeverity) == [
            "security-severity 9.8", "security-severity 8.8", "security-severity 5.6", "security-severity 5.3", "level note",
        ])
        #expect(findings.map(\.package) == ["zlib1g", "libc6", "requests", "libgssapi-krb5-2", "apt"])
        #expect(findings.map(\.installedVersion) == ["1:1.2.13.dfsg-1", "2.36-9+deb12u4", "2.31.0", "1.20.1-2+deb12u1", "2.6.1"])
        #expect(findings.map(\.fixedVersion) == [nil, "2.36-9+deb12u7", "2.32.0", nil, nil])
        #expect(findings.map(\.fix) == [.notFixed, .fixed, .fixed, .notFixed, .notFixed])
    }

    @Test func takesTitleAndLocationFromTheRuleAndTheResult() throws {
        let findings = try SARIFReport.parse(ScanFixture.data("report.sarif"))
        #expect(findings[1].title == "glibc: Out of bounds write in iconv may lead to remote code execution")
        #expect(findings[1].location == "model-serve")
        #expect(findings[3].title == "CVE-2024-26458 medium vulnerability for libgssapi-krb5-2 package")
        #expect(findings[3].location == "/usr/share/doc/libgssapi-krb5-2/copyright")
    }

    @Test(arguments: [
        (9.0, Severity.critical), (10.0, .critical), (8.9, .high), (7.0, .high), (6.9, .medium), (4.0, .medium),
        (3.9, .low), (0.1, .low), (0.0, .negligible),
    ])
    func securitySeverityIsReadAsACVSSScore(score: Double, severity: Severity) throws {
        let findings = try SARIFReport.parse(Self.log(
            results: #"[{"ruleId": "CVE-2026-0001", "level": "error", "message": {"text": "m"}}]"#,
            rules: #"[{"id": "CVE-2026-0001", "properties": {"security-severity": \#(score)}}]"#
        ))
        #expect(findings.map(\.severity) == [severity])
    }

    @Test func withoutSecuritySeverityTheLevelDecides() throws {
        let findings = try SARIFReport.parse(Self.log(results: """
            [{"ruleId": "R1", "level": "error", "message": {"text": "a"}},
             {"ruleId": "R2", "level": "warning", "message": {"text": "b"}},
             {"ruleId": "R3", "level": "note", "message": {"text": "c"}},
             {"ruleId": "R4", "level": "none", "message": {"text": "d"}},
             {"ruleId": "R5", "message": {"text": "e"}},
             {"ruleId": "R6", "message": {"text": "f"}}]
            """, rules: #"[{"id": "R6", "defaultConfiguration": {"level": "error"}}]"#))
        // R5 has no level and no rule: SARIF's default level is warning.
        #expect(findings.map(\.severity) == [.high, .medium, .low, .negligible, .medium, .high])
    }

    @Test func packageDetailsComeFromPropertiesElseTheLocation() throws {
        let findings = try SARIFReport.parse(Self.log(results: """
            [{"ruleId": "GHSA-jfh8-c2jp-5v3q", "level": "error", "message": {"text": "log4j"},
              "properties": {"packageName": "log4j-core", "packageVersion": "2.14.1", "fixedVersion": "2.15.0"}},
             {"ruleId": "CVE-2026-0002", "level": "warning", "message": {"text": "vulnerable dependency"},
              "locations": [{"physicalLocation": {"artifactLocation": {"uri": "go.sum"}}}]}]
            """))
        #expect(findings[0].package == "log4j-core")
        #expect(findings[0].installedVersion == "2.14.1")
        #expect(findings[0].fixedVersion == "2.15.0")
        #expect(findings[1].package == "go.sum")
        #expect(findings[1].installedVersion == nil)
        #expect(findings[1].fix == .unknown)
        #expect(findings[1].location == "go.sum")
    }

    @Test func theAdvisoryIDIsTakenOutOfTheRuleID() throws {
        let findings = try SARIFReport.parse(Self.log(results: """
            [{"ruleId": "CVE-2024-26458-libgssapi-krb5-2", "message": {"text": "a"}},
             {"ruleId": "GHSA-9wx4-h78v-vm56-requests", "message": {"text": "b"}},
             {"ruleId": "[HIGH] RUSTSEC-2023-0071", "message": {"text": "c"}},
             {"rule": {"id": "go/sql-injection"}, "message": {"text": "d"}}]
            """))
        #expect(findings.map(\.id) == ["CVE-2024-26458", "GHSA-9wx4-h78v-vm56", "RUSTSEC-2023-0071", "go/sql-injection"])
    }

    @Test func passingResultsAndRunsWithoutResultsAreNoFindings() throws {
        #expect(try SARIFReport.parse(Self.log(results: """
            [{"ruleId": "R1", "kind": "pass", "level": "none", "message": {"text": "ok"}},
             {"ruleId": "R2", "kind": "notApplicable", "message": {"text": "n/a"}}]
            """)) == [])
        #expect(try SARIFReport.parse(.json(#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Trivy"}}}]}"#)) == [])
    }

    @Test func aResultWithoutARuleIDIsAWrongShape() throws {
        let error = #expect(throws: ScanReportError.self) {
            try SARIFReport.parse(Self.log(results: #"[{"level": "error", "message": {"text": "a"}}]"#))
        }
        #expect(error?.code == .wrongShape)
        #expect(error?.path == "runs[0].results[0]")
    }

    @Test func anUnknownLevelIsAWrongShape() throws {
        let error = #expect(throws: ScanReportError.self) {
            try SARIFReport.parse(Self.log(results: #"[{"ruleId": "R1", "level": "severe", "message": {"text": "a"}}]"#))
        }
        #expect(error?.path == "runs[0].results[0].level")
        #expect(error?.message == "unknown level \"severe\"; expected one of error, warning, note, none")
    }

    @Test func anotherSARIFVersionIsNotRead() throws {
        let error = #expect(throws: ScanReportError.self) {
            try SARIFReport.parse(.json(#"{"version": "2.0.0", "runs": []}"#))
        }
        #expect(error?.code == .unsupportedVersion)
        #expect(error?.description == "sarif report: version: SARIF version \"2.0.0\"; Slipway reads SARIF 2.1.0")
    }
}
