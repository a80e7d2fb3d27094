import Testing
@testable import SlipwayCore

/// The scans in effect in an environment bind later releases: a commit cannot raise its own
/// failOn, pass unfixed findings, edit its ignore file or drop the scan to get in.
@Suite struct ScanRuleTests {
    static let inEffect = [ScanRule(name: "trivy", failOn: .high, ignoreDigest: "sha256:aaa")]

    static func counts(high: Int = 0, critical: Int = 0, medium: Int = 0) -> SeverityCounts {
        var counts = SeverityCounts()
        counts.high = high
        counts.critical = critical
        counts.medium = medium
        return counts
    }

    @Test("the same rules: the release's own verdict stands")
    func sameRules() {
        let passed = [ScanOutcomeSummary(name: "trivy", status: .passed, counts: Self.counts(medium: 3))]
        #expect(ScanRule.violations(inEffect: Self.inEffect, release: Self.inEffect, results: passed).isEmpty)
    }

    @Test("a release that raised failOn to critical is held to high: its high findings fail it")
    func raisedFailOn() {
        let loosened = [ScanRule(name: "trivy", failOn: .critical, ignoreDigest: "sha256:aaa")]
        let passed = [ScanOutcomeSummary(name: "trivy", status: .passed, counts: Self.counts(high: 2))]
        let reasons = ScanRule.violations(inEffect: Self.inEffect, release: loosened, results: passed)
        #expect(reasons == [
            "scan trivy: 2 findings at or above high fail the policy in effect (failOn: high); the release's own scan rules differ, so its ignores do not count",
        ])
        // No finding at or above high: it passes even under the stricter rule.
        let clean = [ScanOutcomeSummary(name: "trivy", status: .passed, counts: Self.counts(medium: 9))]
        #expect(ScanRule.violations(inEffect: Self.inEffect, release: loosened, results: clean).isEmpty)
    }

    @Test("an edited ignore file or ignoreUnfixed added: the release's ignores do not count")
    func ignoresDoNotCount() {
        let results = [ScanOutcomeSummary(name: "trivy", status: .passed, counts: Self.counts(critical: 1))]
        let otherIgnores = [ScanRule(name: "trivy", failOn: .high, ignoreDigest: "sha256:bbb")]
        #expect(ScanRule.violations(inEffect: Self.inEffect, release: otherIgnores, results: results).count == 1)
        let unfixed = [ScanRule(name: "trivy", failOn: .high, ignoreUnfixed: true, ignoreDigest: "sha256:aaa")]
        #expect(ScanRule.violations(inEffect: Self.inEffect, release: unfixed, results: results).count == 1)
        // A stricter release (failOn medium) keeps its own verdict.
        let stricter = [ScanRule(name: "trivy", failOn: .medium, ignoreDigest: "sha256:aaa")]
        #expect(ScanRule.violations(inEffect: Self.inEffect, release: stricter, results: results).isEmpty)
    }

    @Test("a scan the policy in effect requires must have run, unless it is optional in both")
    func droppedScan() {
        #expect(ScanRule.violations(inEffect: Self.inEffect, release: [], results: []) == [
            "the policy in effect requires the scan trivy, which this release did not run",
        ])
        let optional = [ScanRule(name: "trivy", failOn: .high, optional: true)]
        let notScanned = [ScanOutcomeSummary(name: "trivy", status: .notScanned, counts: SeverityCounts())]
        #expect(ScanRule.violations(inEffect: optional, release: optional, results: notScanned).isEmpty)
        #expect(ScanRule.violations(inEffect: Self.inEffect, release: optional, results: notScanned).count == 1)
    }

    @Test("scan rules are part of the policy: a loosened one is a policy change, and survives the ledger's JSON")
    func partOfThePolicy() throws {
        let prod = PolicyFixtures.prod()
        let before = PolicyFixtures.inEffect(EnvironmentPolicy(environment: prod, gate: PolicyFixtures.gate(), scans: Self.inEffect))
        let after = EnvironmentPolicy(environment: prod, gate: PolicyFixtures.gate(), scans: [ScanRule(name: "trivy", failOn: .critical, ignoreDigest: "sha256:aaa")])
        let change = try #require(PolicyChange.between(inEffect: before, release: after))
        #expect(change.differences.map(\.field) == ["scans"])
        #expect(EnvironmentPolicy(json: after.json)?.scans == after.scans)
    }
}
