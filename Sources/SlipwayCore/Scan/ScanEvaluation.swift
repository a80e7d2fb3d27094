/// What a scan's findings came to under its policy: stored as the scan's evidence, so every
/// part a reviewer asks about ("why did this pass?") is in it.
public struct ScanEvaluation: Sendable, Hashable, Codable {
    /// A finding an ignore entry accepted, with the entry.
    public struct IgnoredFinding: Sendable, Hashable, Codable {
        public var finding: ScanFinding
        public var entry: ScanIgnoreEntry

        public init(finding: ScanFinding, entry: ScanIgnoreEntry) {
            self.finding = finding
            self.entry = entry
        }
    }

    /// An ignore entry past its expiry that named findings: they are no longer ignored.
    public struct ExpiredIgnore: Sendable, Hashable, Codable {
        public var entry: ScanIgnoreEntry
        /// The findings it would have ignored.
        public var findings: [ScanFinding]
        /// `CVE-2023-1234: ignore entry expired on 2026-01-31, no longer ignored (security/ignore.yaml:3:5)`.
        public var message: String

        public init(entry: ScanIgnoreEntry, findings: [ScanFinding]) {
            self.entry = entry
            self.findings = findings
            self.message = "\(entry.subject): ignore entry expired on \(entry.expires), no longer ignored (\(entry.location))"
        }
    }

    /// True when no finding fails the policy.
    public var passed: Bool
    /// The policy's threshold: findings at or above it fail unless ignored.
    public var failOn: Severity
    public var ignoreUnfixed: Bool
    /// Every finding, ignored or not, by severity.
    public var counts: SeverityCounts
    /// The findings that fail the policy, most severe first.
    public var failing: [ScanFinding]
    /// The findings an unexpired ignore entry accepted, whatever their severity.
    public var ignored: [IgnoredFinding]
    /// The findings at or above `failOn` that pass only because `ignoreUnfixed` is set and they have no fix.
    public var unfixed: [ScanFinding]
    /// Expired entries that named findings: each says so, and the findings are judged as if it were not there.
    public var expiredIgnores: [ExpiredIgnore]
    /// One line for logs and run pages: `2 critical, 5 high, 1 medium; 1 fails the policy (failOn: high): CVE-…`.
    public var summary: String

    public init(
        failOn: Severity, ignoreUnfixed: Bool, counts: SeverityCounts, failing: [ScanFinding],
        ignored: [IgnoredFinding], unfixed: [ScanFinding], expiredIgnores: [ExpiredIgnore]
    ) {
        self.passed = failing.isEmpty
        self.failOn = failOn
        self.ignoreUnfixed = ignoreUnfixed
        self.counts = counts
        self.failing = failing
        self.ignored = ignored
        self.unfixed = unfixed
        self.expiredIgnores = expiredIgnores
        self.summary = ""
        self.summary = summarize()
    }

    /// How many failing findings the summary names before "and N more".
    static let namedInSummary = 5

    private func summarize() -> String {
        let policy = "(failOn: \(failOn.rawValue))"
        if counts.total == 0 {
            return "no vulnerabilities found; passes the policy \(policy)"
        }
        var parts = [counts.description]
        if failing.isEmpty {
            parts.append("none fails the policy \(policy)")
        } else {
            var named = failing.prefix(Self.namedInSummary).map(\.label).joined(separator: ", ")
            if failing.count > Self.namedInSummary { named += " and \(failing.count - Self.namedInSummary) more" }
            parts.append("\(failing.count) \(failing.count == 1 ? "fails" : "fail") the policy \(policy): \(named)")
        }
        if !ignored.isEmpty {
            parts.append("\(ignored.count) ignored")
        }
        if !unfixed.isEmpty {
            parts.append("\(unfixed.count) without a fix passed over (ignoreUnfixed)")
        }
        if !expiredIgnores.isEmpty {
            let subjects = expiredIgnores.map { "\($0.entry.subject) on \($0.entry.expires)" }.joined(separator: ", ")
            parts.append("\(expiredIgnores.count) ignore \(expiredIgnores.count == 1 ? "entry" : "entries") expired: \(subjects)")
        }
        return parts.joined(separator: "; ")
    }
}
