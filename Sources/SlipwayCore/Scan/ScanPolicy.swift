import Foundation

/// The rule a vulnerability scan's findings are held to: findings at or above `failOn` fail,
/// unless an unexpired ignore entry names them, or `ignoreUnfixed` is set and the scanner says
/// there is no fix. Pure: time is passed in, so expiry is tested without waiting.
public struct ScanPolicy: Sendable, Hashable {
    public var failOn: Severity
    /// Pass over findings the scanner says have no fix (`FixState.notFixed`). Findings whose fix
    /// is not known (`.unknown`) are not passed over.
    public var ignoreUnfixed: Bool
    public var ignoreList: ScanIgnoreList

    public init(failOn: Severity = .high, ignoreUnfixed: Bool = false, ignoreList: ScanIgnoreList = .empty) {
        self.failOn = failOn
        self.ignoreUnfixed = ignoreUnfixed
        self.ignoreList = ignoreList
    }

    /// The policy of a pipeline's `scan:` entry, with the ignore list read from its `ignore:` file.
    public init(_ scan: VulnerabilityScan, ignoreList: ScanIgnoreList = .empty) {
        self.init(failOn: scan.failOn, ignoreUnfixed: scan.ignoreUnfixed, ignoreList: ignoreList)
    }

    /// Judges `findings` at `now`.
    ///
    /// A finding is ignored by the first unexpired entry naming it (an entry for its package before
    /// one for any package). An expired entry ignores nothing; when it is the only entry naming a
    /// finding, the evaluation says so in `expiredIgnores`.
    public func evaluate(_ findings: [ScanFinding], now: Date) -> ScanEvaluation {
        var failing: [(order: Int, finding: ScanFinding)] = []
        var ignored: [ScanEvaluation.IgnoredFinding] = []
        var unfixed: [ScanFinding] = []
        var expired: [(entry: ScanIgnoreEntry, findings: [ScanFinding])] = []
        for (order, finding) in findings.enumerated() {
            let entries = ignoreList.entries(matching: finding)
            if let active = entries.first(where: { !$0.isExpired(at: now) }) {
                ignored.append(.init(finding: finding, entry: active))
                continue
            }
            for entry in entries {
                if let index = expired.firstIndex(where: { $0.entry == entry }) {
                    expired[index].findings.append(finding)
                } else {
                    expired.append((entry, [finding]))
                }
            }
            guard finding.severity >= failOn else { continue }
            if ignoreUnfixed, finding.fix == .notFixed {
                unfixed.append(finding)
            } else {
                failing.append((order, finding))
            }
        }
        failing.sort { ($0.finding.severity, $1.order) > ($1.finding.severity, $0.order) }
        return ScanEvaluation(
            failOn: failOn,
            ignoreUnfixed: ignoreUnfixed,
            counts: SeverityCounts(findings),
            failing: failing.map(\.finding),
            ignored: ignored,
            unfixed: unfixed,
            expiredIgnores: expired.map { ScanEvaluation.ExpiredIgnore(entry: $0.entry, findings: $0.findings) }
        )
    }
}
