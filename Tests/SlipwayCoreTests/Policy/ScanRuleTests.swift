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

    /// The vulnerability scans of a pipeline `p` whose `scan:` is `entries` (YAML flow mappings, one a line).
    static func pipeline(_ entries: String...) throws -> PipelineSpec {
        let yaml = """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              source: { branch: main }
              build:
                - { name: image, image: { builder: buildah, repository: "127.0.0.1:5000/app" } }
              scan:
            \(entries.map { "    - \($0)" }.joined(separator: "\n"))
              stages:
                - environment: dev
                  strategy: { blueGreen: { scaleDownDelay: 30s } }
            """
        return try loadPipelineWithDev(yaml)
    }

    @Test("a rule records the scanner, the subject and the report: rules(of:) takes them from the pipeline, and they survive the ledger's JSON")
    func recordsWhatIsScanned() throws {
        let pipeline = try Self.pipeline(
            "{ scanner: trivy, failOn: high }", "{ scanner: grype, name: out, path: out }", "{ scanner: trivy, name: img, image: image }",
            "{ scanner: sarif, name: codeql, report: reports/codeql.sarif }"
        )
        let rules = ScanRule.rules(of: pipeline) { _ in nil }
        #expect(rules.map(\.scanner) == [.trivy, .grype, .trivy, .sarif])
        #expect(rules.map(\.subject) == [.automatic, .directory("out"), .image(step: "image"), .automatic])
        #expect(rules.map(\.report) == [nil, nil, nil, "reports/codeql.sarif"])
        for rule in rules {
            #expect(ScanRule(json: rule.json) == rule)
        }
        #expect(rules[1].json["subject"] == .object(["path": .string("out")]))
        #expect(rules[2].json["subject"] == .object(["image": .string("image")]))
        #expect(rules[3].json["report"] == .string("reports/codeql.sarif"))
    }

    @Test("another scanner, another subject or a report the build writes: the release's own verdict does not count, and it is a policy change")
    func whatIsScannedBinds() throws {
        let inEffect = try Self.pipeline("{ scanner: trivy, name: vulns, failOn: high, image: image }")
        let rules = ScanRule.rules(of: inEffect) { _ in nil }
        let policy = PolicyFixtures.inEffect(EnvironmentPolicy(environment: PolicyFixtures.prod(), gate: PolicyFixtures.gate(), scans: rules))
        // Each release passed its own scan "vulns", which found a critical that the policy in effect fails on.
        let results = [ScanOutcomeSummary(name: "vulns", status: .passed, counts: Self.counts(critical: 1))]
        #expect(ScanRule.violations(inEffect: rules, release: rules, results: [
            ScanOutcomeSummary(name: "vulns", status: .passed, counts: Self.counts(medium: 1)),
        ]).isEmpty)
        for loosened in [
            "{ scanner: grype, name: vulns, failOn: high, image: image }",
            "{ scanner: trivy, name: vulns, failOn: high, path: docs }",
            "{ scanner: trivy, name: vulns, failOn: high, report: reports/clean.json }",
        ] {
            let release = ScanRule.rules(of: try Self.pipeline(loosened)) { _ in nil }
            #expect(ScanRule.violations(inEffect: rules, release: release, results: results) == [
                "scan vulns: 1 finding at or above high fail the policy in effect (failOn: high); the release's own scan rules differ, so its ignores do not count",
            ], "\(loosened)")
            let change = try #require(
                PolicyChange.between(inEffect: policy, release: EnvironmentPolicy(environment: PolicyFixtures.prod(), gate: PolicyFixtures.gate(), scans: release)),
                "\(loosened) is not a policy change"
            )
            #expect(change.differences.map(\.field) == ["scans"])
        }
    }

    @Test("a rule the ledger kept before the scanner was recorded still reads, and holds every release to the strict count")
    func ruleWithoutScanner() throws {
        let legacy = try #require(ScanRule(json: .object([
            "name": .string("trivy"), "failOn": .string("high"), "ignoreUnfixed": .bool(false), "optional": .bool(false),
        ])))
        #expect(legacy.scanner == nil && legacy.subject == nil && legacy.report == nil)
        let release = [ScanRule(name: "trivy", failOn: .high)]
        let results = [ScanOutcomeSummary(name: "trivy", status: .passed, counts: Self.counts(high: 1))]
        #expect(ScanRule.violations(inEffect: [legacy], release: release, results: results).count == 1)
        #expect(ScanRule(json: .object([
            "name": .string("trivy"), "failOn": .string("high"), "ignoreUnfixed": .bool(false), "optional": .bool(false),
            "scanner": .string("snyk"),
        ])) == nil)
    }
}
