import Foundation
import SlipwayCore
import Testing

@Suite struct ScanPolicyTests {
    static let now = Date(timeIntervalSince1970: 1_780_000_000) // 2026-05-28

    static func ignoreList(_ yaml: String) throws -> ScanIgnoreList {
        try ScanIgnoreList.parse(yaml, file: "security/scan-ignore.yaml")
    }

    @Test(arguments: [
        (Severity.critical, ["CVE-2023-45853"]),
        (.high, ["CVE-2023-45853", "CVE-2024-2961", "CVE-2024-5535"]),
        (.medium, ["CVE-2023-45853", "CVE-2024-2961", "CVE-2024-5535", "CVE-2024-26458", "CVE-2024-35195"]),
        (.low, ["CVE-2023-45853", "CVE-2024-2961", "CVE-2024-5535", "CVE-2024-26458", "CVE-2024-35195", "CVE-2011-3374"]),
        (.negligible, [
            "CVE-2023-45853", "CVE-2024-2961", "CVE-2024-5535", "CVE-2024-26458", "CVE-2024-35195", "CVE-2011-3374",
            "CVE-2025-0395",
        ]),
    ])
    func findingsAtOrAboveFailOnFailMostSevereFirst(failOn: Severity, failing: [String]) throws {
        let evaluation = ScanPolicy(failOn: failOn).evaluate(try ScanFixture.trivyFindings(), now: Self.now)
        #expect(evaluation.failing.map(\.id) == failing)
        #expect(!evaluation.passed)
        #expect(evaluation.counts.total == 7)
    }

    @Test func theSummaryCountsAndNamesTheFailures() throws {
        let evaluation = ScanPolicy(failOn: .high).evaluate(try ScanFixture.trivyFindings(), now: Self.now)
        #expect(evaluation.summary == """
            1 critical, 2 high, 2 medium, 1 low, 1 negligible; 3 fail the policy (failOn: high): \
            CVE-2023-45853 (zlib1g 1:1.2.13.dfsg-1), CVE-2024-2961 (libc6 2.36-9+deb12u4), CVE-2024-5535 (libssl3 3.0.11-1~deb12u2)
            """)
    }

    @Test func aCleanScanPasses() {
        let none = ScanPolicy().evaluate([], now: Self.now)
        #expect(none.passed)
        #expect(none.summary == "no vulnerabilities found; passes the policy (failOn: high)")

        let onlyLow = ScanPolicy(failOn: .high).evaluate([ScanFixture.finding("CVE-2026-0001", .medium)], now: Self.now)
        #expect(onlyLow.passed)
        #expect(onlyLow.summary == "1 medium; none fails the policy (failOn: high)")
    }

    @Test func theSummaryNamesFiveFailuresAndCountsTheRest() {
        let findings = (1...7).map { ScanFixture.finding("CVE-2026-000\($0)", .critical, package: "p\($0)") }
        let evaluation = ScanPolicy(failOn: .critical).evaluate(findings, now: Self.now)
        #expect(evaluation.summary.hasSuffix("CVE-2026-0005 (p5 1.0.0) and 2 more"))
        #expect(evaluation.summary.hasPrefix("7 critical; 7 fail the policy (failOn: critical): CVE-2026-0001 (p1 1.0.0), "))
    }

    @Test func ignoreUnfixedPassesOverFindingsWithoutAFix() throws {
        let evaluation = ScanPolicy(failOn: .high, ignoreUnfixed: true).evaluate(try ScanFixture.trivyFindings(), now: Self.now)
        #expect(evaluation.failing.map(\.id) == ["CVE-2024-2961", "CVE-2024-5535"])
        #expect(evaluation.unfixed.map(\.id) == ["CVE-2023-45853"])
        #expect(evaluation.summary.hasSuffix("; 1 without a fix passed over (ignoreUnfixed)"))
    }

    @Test func ignoreUnfixedDoesNotPassOverAFixThatIsNotKnown() throws {
        let evaluation = ScanPolicy(failOn: .negligible, ignoreUnfixed: true).evaluate(try ScanFixture.grypeFindings(), now: Self.now)
        // grype: CVE-2025-0395's fix state is "unknown"; the three others without a fix are "not-fixed"/"wont-fix".
        #expect(evaluation.failing.map(\.id) == ["CVE-2024-2961", "GHSA-9wx4-h78v-vm56", "CVE-2025-0395"])
        #expect(evaluation.unfixed.map(\.id) == ["CVE-2023-45853", "CVE-2024-26458", "CVE-2011-3374"])
    }

    @Test func theSpecsScanEntryGivesThePolicy() {
        let scan = VulnerabilityScan(
            scanner: .trivy, location: SlipwayCore.SourceLocation(file: "pipelines/model-serve.yaml", line: 30, column: 9),
            failOn: .critical, ignoreUnfixed: true, ignoreFile: "security/scan-ignore.yaml"
        )
        #expect(ScanPolicy(scan) == ScanPolicy(failOn: .critical, ignoreUnfixed: true))
    }

    @Test func anEntryIgnoresUntilTheDayItExpires() throws {
        let list = try Self.ignoreList("""
            ignore:
              - id: CVE-2023-45853
                reason: "not reachable: we never write zip files"
                expires: 2026-06-30
            """)
        let policy = ScanPolicy(failOn: .critical, ignoreList: list)
        let findings = try ScanFixture.trivyFindings()

        let before = policy.evaluate(findings, now: try ScanFixture.instant("2026-06-29T23:59:59Z"))
        #expect(before.passed)
        #expect(before.failing == [])
        #expect(before.ignored.map(\.finding.id) == ["CVE-2023-45853"])
        #expect(before.ignored.first?.entry.reason == "not reachable: we never write zip files")
        #expect(before.expiredIgnores == [])
        #expect(before.summary == "1 critical, 2 high, 2 medium, 1 low, 1 negligible; none fails the policy (failOn: critical); 1 ignored")

        let after = policy.evaluate(findings, now: try ScanFixture.instant("2026-06-30T00:00:00Z"))
        #expect(!after.passed)
        #expect(after.failing.map(\.id) == ["CVE-2023-45853"])
        #expect(after.ignored == [])
        #expect(after.expiredIgnores.map(\.message) == [
            "CVE-2023-45853: ignore entry expired on 2026-06-30, no longer ignored (security/scan-ignore.yaml:2:5)",
        ])
        #expect(after.expiredIgnores.first?.findings.map(\.package) == ["zlib1g"])
        #expect(after.summary.hasSuffix("; 1 ignore entry expired: CVE-2023-45853 on 2026-06-30"))
    }

    @Test func anEntryForAPackageIgnoresOnlyThatPackage() throws {
        let list = try Self.ignoreList("""
            ignore:
              - { id: CVE-2026-1000, reason: only reached through libc-bin, expires: 2027-01-31, package: libc6 }
            """)
        let findings = [
            ScanFixture.finding("CVE-2026-1000", .high, package: "libc6"),
            ScanFixture.finding("CVE-2026-1000", .high, package: "libc-bin"),
        ]
        let evaluation = ScanPolicy(failOn: .high, ignoreList: list).evaluate(findings, now: Self.now)
        #expect(evaluation.ignored.map(\.finding.package) == ["libc6"])
        #expect(evaluation.failing.map(\.package) == ["libc-bin"])
    }

    @Test func idsMatchWithoutRegardToCase() throws {
        let list = try Self.ignoreList("ignore: [{ id: cve-2024-2961, reason: accepted, expires: 2027-01-31 }]")
        let evaluation = ScanPolicy(failOn: .high, ignoreList: list).evaluate([ScanFixture.finding("CVE-2024-2961", .high)], now: Self.now)
        #expect(evaluation.passed)
    }

    @Test func anUnexpiredEntryStillIgnoresWhenAnotherHasExpired() throws {
        let list = try Self.ignoreList("""
            ignore:
              - { id: CVE-2026-1000, reason: old, expires: 2026-01-31, package: libexample }
              - { id: CVE-2026-1000, reason: renewed, expires: 2027-01-31 }
            """)
        let evaluation = ScanPolicy(failOn: .high, ignoreList: list).evaluate([ScanFixture.finding("CVE-2026-1000", .high)], now: Self.now)
        #expect(evaluation.passed)
        #expect(evaluation.ignored.first?.entry.reason == "renewed")
        #expect(evaluation.expiredIgnores == [])
    }

    @Test func aPackageEntryIsPreferredToAGeneralOne() throws {
        let list = try Self.ignoreList("""
            ignore:
              - { id: CVE-2026-1000, reason: general, expires: 2027-01-31 }
              - { id: CVE-2026-1000, reason: specific, expires: 2027-01-31, package: libexample }
            """)
        let evaluation = ScanPolicy(failOn: .high, ignoreList: list).evaluate([ScanFixture.finding("CVE-2026-1000", .high)], now: Self.now)
        #expect(evaluation.ignored.first?.entry.reason == "specific")
    }

    @Test func anEvaluationIsStoredAsJSONAndReadBack() throws {
        let list = try Self.ignoreList("ignore: [{ id: CVE-2023-45853, reason: accepted, expires: 2026-01-31 }]")
        let evaluation = ScanPolicy(failOn: .high, ignoreUnfixed: true, ignoreList: list)
            .evaluate(try ScanFixture.trivyFindings(), now: Self.now)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = try encoder.encode(evaluation)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains(#""failOn":"high""#))
        #expect(text.contains(#""expires":"2026-01-31""#))
        #expect(text.contains(#""counts":{"critical":1,"high":2,"low":1,"medium":2,"negligible":1}"#))
        #expect(try JSONDecoder().decode(ScanEvaluation.self, from: json) == evaluation)
    }
}
