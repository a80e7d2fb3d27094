import Foundation

/// A vulnerability scan a pipeline's releases are held to, as part of an environment's policy:
/// the scan's name, what runs it and on what (the scanner, the subject, or the report a build
/// step writes), the severity that fails it, whether unfixed findings pass, whether a missing
/// scanner is tolerated, and the SHA-256 of its ignore file at the release's commit. Changing
/// any of them is a policy change: a release that scans something else, or reads a report its
/// own build wrote, is not judged by its own verdict.
public struct ScanRule: Sendable, Equatable {
    public var name: String
    /// The scanner (`trivy`, `grype`, `sarif`); nil only in a rule the ledger kept before
    /// Slipway recorded it, which then differs from every release's (and so is strict).
    public var scanner: VulnerabilityScan.Scanner?
    /// What the scanner looks at (`automatic`, `path:`, `image:`); nil as for `scanner`.
    public var subject: ScanSubject?
    /// The report a build step writes (`report:`), read instead of running the scanner.
    public var report: String?
    public var failOn: Severity
    public var ignoreUnfixed: Bool
    public var optional: Bool
    /// `sha256:` of the ignore file's text; nil when the scan has none (or it is missing).
    public var ignoreDigest: String?

    public init(
        name: String, scanner: VulnerabilityScan.Scanner? = .trivy, subject: ScanSubject? = .automatic, report: String? = nil,
        failOn: Severity, ignoreUnfixed: Bool = false, optional: Bool = false, ignoreDigest: String? = nil
    ) {
        self.name = name
        self.scanner = scanner
        self.subject = subject
        self.report = report
        self.failOn = failOn
        self.ignoreUnfixed = ignoreUnfixed
        self.optional = optional
        self.ignoreDigest = ignoreDigest
    }

    /// The rules of `pipeline`'s vulnerability scans; `ignoreDigest` gives each ignore file's digest.
    public static func rules(of pipeline: PipelineSpec, ignoreDigest: (String) -> String?) -> [ScanRule] {
        pipeline.scan.compactMap { entry in
            guard case .vulnerabilities(let scan) = entry else { return nil }
            return ScanRule(
                name: scan.name, scanner: scan.scanner, subject: scan.subject, report: scan.report, failOn: scan.failOn,
                ignoreUnfixed: scan.ignoreUnfixed, optional: scan.optional, ignoreDigest: scan.ignoreFile.flatMap(ignoreDigest)
            )
        }
    }

    /// Whether `other` scans the same thing the same way: the same scanner, subject and report.
    func scansAlike(_ other: ScanRule) -> Bool {
        scanner != nil && subject != nil && scanner == other.scanner && subject == other.subject && report == other.report
    }

    var json: JSONValue {
        var fields: [String: JSONValue] = [
            "name": .string(name), "failOn": .string(failOn.rawValue), "ignoreUnfixed": .bool(ignoreUnfixed), "optional": .bool(optional),
        ]
        if let scanner { fields["scanner"] = .string(scanner.rawValue) }
        if let subject { fields["subject"] = Self.json(subject) }
        if let report { fields["report"] = .string(report) }
        if let ignoreDigest { fields["ignoreDigest"] = .string(ignoreDigest) }
        return .object(fields)
    }

    /// `"automatic"`, `{"path": DIR}` or `{"image": STEP}`: the spec's own words.
    static func json(_ subject: ScanSubject) -> JSONValue {
        switch subject {
        case .automatic: .string("automatic")
        case .directory(let path): .object(["path": .string(path)])
        case .image(let step): .object(["image": .string(step)])
        }
    }

    static func subject(_ json: JSONValue) -> ScanSubject? {
        if case .string("automatic") = json { return .automatic }
        if case .string(let path)? = json["path"] { return .directory(path) }
        if case .string(let step)? = json["image"] { return .image(step: step) }
        return nil
    }

    init?(json: JSONValue) {
        guard case .string(let name)? = json["name"], case .string(let severity)? = json["failOn"],
              let failOn = Severity(rawValue: severity), case .bool(let unfixed)? = json["ignoreUnfixed"],
              case .bool(let optional)? = json["optional"]
        else { return nil }
        // A rule recorded before the scanner and subject were: both nil (it then matches no release's).
        var scanner: VulnerabilityScan.Scanner?
        if let value = json["scanner"] {
            guard case .string(let text) = value, let known = VulnerabilityScan.Scanner(rawValue: text) else { return nil }
            scanner = known
        }
        var subject: ScanSubject?
        if let value = json["subject"] {
            guard let known = Self.subject(value) else { return nil }
            subject = known
        }
        var report: String?
        if let value = json["report"] {
            guard case .string(let text) = value else { return nil }
            report = text
        }
        var digest: String?
        if case .string(let text)? = json["ignoreDigest"] { digest = text }
        self.init(
            name: name, scanner: scanner, subject: subject, report: report, failOn: failOn, ignoreUnfixed: unfixed, optional: optional,
            ignoreDigest: digest
        )
    }
}

/// How a run's vulnerability scan came out, as the ledger keeps it.
public struct ScanOutcomeSummary: Sendable, Equatable {
    public enum Status: Sendable, Equatable { case passed, failed, notScanned, error }

    public var name: String
    public var status: Status
    public var counts: SeverityCounts

    public init(name: String, status: Status, counts: SeverityCounts) {
        self.name = name
        self.status = status
        self.counts = counts
    }
}

extension ScanRule {
    /// Why a release whose scans came out as `results` under its own `release` rules does not
    /// pass the scans the policy in effect (`inEffect`) requires, one reason per rule it breaks;
    /// empty when it passes. Stricter wins: a scan the policy in effect requires must have run
    /// (unless optional in both); where the policy in effect fails on a lower severity, does not
    /// pass unfixed findings, has another ignore file, or scans with another scanner, another
    /// subject or another `report:`, the release's own verdict is not enough, and every finding
    /// at or above the stricter severity fails it (the release's own ignore list is not honoured
    /// then).
    public static func violations(inEffect: [ScanRule], release: [ScanRule], results: [ScanOutcomeSummary]) -> [String] {
        var reasons: [String] = []
        for rule in inEffect {
            let own = release.first { $0.name == rule.name }
            let result = results.first { $0.name == rule.name }
            guard let result, result.status == .passed || result.status == .failed else {
                if !(rule.optional && (own?.optional ?? true)) {
                    reasons.append("the policy in effect requires the scan \(rule.name), which this release did not \(result == nil ? "run" : "complete")")
                }
                continue
            }
            let failOn = min(rule.failOn, own?.failOn ?? rule.failOn)
            let sameRules = own.map {
                rule.scansAlike($0) && $0.failOn <= rule.failOn && (!$0.ignoreUnfixed || rule.ignoreUnfixed) && $0.ignoreDigest == rule.ignoreDigest
            } ?? false
            if sameRules {
                if result.status == .failed { reasons.append("scan \(rule.name) failed") }
                continue
            }
            let failing = Severity.allCases.filter { $0 >= failOn }.reduce(0) { $0 + result.counts[$1] }
            if failing > 0 {
                reasons.append(
                    "scan \(rule.name): \(failing) finding\(failing == 1 ? "" : "s") at or above \(failOn.rawValue) fail the policy in effect "
                        + "(failOn: \(rule.failOn.rawValue)\(rule.ignoreUnfixed ? ", ignoreUnfixed" : "")); "
                        + "the release's own scan rules differ, so its ignores do not count"
                )
            }
        }
        return reasons
    }
}
