/// Severities as vulnerability scanners report them, lowest first.
public enum Severity: String, Sendable, CaseIterable, Comparable {
    case negligible, low, medium, high, critical

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One `scan:` entry: a vulnerability scan with its policy, or an SBOM. Scans run after the
/// build steps; a failing one stops the run before any promotion.
public enum ScanEntry: Sendable, Equatable {
    case vulnerabilities(VulnerabilityScan)
    case sbom(SBOMScan)

    /// The entry's name, unique in the pipeline: what the ledger records its scan under.
    public var name: String {
        switch self {
        case .vulnerabilities(let scan): scan.name
        case .sbom(let sbom): sbom.name
        }
    }

    public var location: SourceLocation {
        switch self {
        case .vulnerabilities(let scan): scan.location
        case .sbom(let sbom): sbom.location
        }
    }
}

/// What a scan looks at.
public enum ScanSubject: Sendable, Equatable {
    /// The image the pipeline builds, when it builds one; otherwise the checkout after the build.
    case automatic
    /// A directory of the checkout (`path:`), relative to it.
    case directory(String)
    /// The image built by the named image step (`image:`).
    case image(step: String)
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
    /// The name the scan is recorded under (`name:`); the scanner's name by default.
    public var name: String
    /// A report the build wrote (`report:`, relative to the checkout), read instead of running the
    /// scanner. Required for `sarif`, which names a format, not a program.
    public var report: String?
    /// What the scanner looks at when it runs.
    public var subject: ScanSubject
    /// How long the scanner may run.
    public var timeout: Duration

    public init(
        scanner: Scanner, location: SourceLocation, failOn: Severity = .high, ignoreUnfixed: Bool = false,
        ignoreFile: String? = nil, optional: Bool = false, name: String? = nil, report: String? = nil,
        subject: ScanSubject = .automatic, timeout: Duration = .seconds(600)
    ) {
        self.scanner = scanner
        self.location = location
        self.failOn = failOn
        self.ignoreUnfixed = ignoreUnfixed
        self.ignoreFile = ignoreFile
        self.optional = optional
        self.name = name ?? scanner.rawValue
        self.report = report
        self.subject = subject
        self.timeout = timeout
    }
}

public struct SBOMScan: Sendable, Equatable {
    public enum Tool: String, Sendable, CaseIterable { case syft }

    public var tool: Tool
    public var location: SourceLocation
    /// When true, a missing tool is recorded as "not scanned" instead of failing.
    public var optional: Bool
    /// The name the SBOM is recorded under, as a scan and as an artifact (`name:`); `sbom` by default.
    public var name: String
    /// What the SBOM describes.
    public var subject: ScanSubject
    /// How long the tool may run.
    public var timeout: Duration

    public init(
        tool: Tool, location: SourceLocation, optional: Bool = false, name: String = "sbom",
        subject: ScanSubject = .automatic, timeout: Duration = .seconds(600)
    ) {
        self.tool = tool
        self.location = location
        self.optional = optional
        self.name = name
        self.subject = subject
        self.timeout = timeout
    }
}
