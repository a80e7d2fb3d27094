/// Severities as vulnerability scanners report them, lowest first.
public enum Severity: String, Sendable, CaseIterable, Comparable {
    case negligible, low, medium, high, critical

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One `scan:` entry: a vulnerability scan with its policy, or an SBOM.
public enum ScanEntry: Sendable, Equatable {
    case vulnerabilities(VulnerabilityScan)
    case sbom(SBOMScan)
}

public struct VulnerabilityScan: Sendable, Equatable {
    public enum Scanner: String, Sendable, CaseIterable { case trivy, grype, sarif }

    public var scanner: Scanner
    public var location: SourceLocation
    /// Findings at or above this severity fail the scan.
    public var failOn: Severity
    public var ignoreUnfixed: Bool
    /// A file in the repository listing ignored findings (id, reason, expiry).
    public var ignoreFile: String?
    /// When true, a missing scanner is recorded as "not scanned" instead of failing.
    public var optional: Bool

    public init(
        scanner: Scanner, location: SourceLocation, failOn: Severity = .high, ignoreUnfixed: Bool = false,
        ignoreFile: String? = nil, optional: Bool = false
    ) {
        self.scanner = scanner
        self.location = location
        self.failOn = failOn
        self.ignoreUnfixed = ignoreUnfixed
        self.ignoreFile = ignoreFile
        self.optional = optional
    }
}

public struct SBOMScan: Sendable, Equatable {
    public enum Tool: String, Sendable, CaseIterable { case syft }

    public var tool: Tool
    public var location: SourceLocation
    public var optional: Bool

    public init(tool: Tool, location: SourceLocation, optional: Bool = false) {
        self.tool = tool
        self.location = location
        self.optional = optional
    }
}
