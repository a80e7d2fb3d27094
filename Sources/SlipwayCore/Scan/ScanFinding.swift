import Foundation

/// One vulnerability a scanner found in one package, in the same shape whichever scanner
/// (trivy, grype, or any SARIF producer) reported it.
public struct ScanFinding: Sendable, Hashable, Codable {
    /// Whether a version that fixes the vulnerability is known.
    public enum FixState: String, Sendable, Hashable, Codable {
        /// A fixed version exists: upgrading the package removes the finding.
        case fixed
        /// The scanner says there is no fix (yet, or ever: "won't fix", "end of life").
        case notFixed
        /// The scanner does not say. `ignoreUnfixed` does not skip these: a gate that is not
        /// told there is no fix does not assume so.
        case unknown
    }

    /// The advisory's id: `CVE-2023-1234`, `GHSA-xxxx-xxxx-xxxx`, `RUSTSEC-2023-0001`.
    public var id: String
    /// The vulnerable package (`openssl`, `lodash`), or for a SARIF result that names none, the file it points at.
    public var package: String
    /// The version installed, when the report says.
    public var installedVersion: String?
    /// The version (or versions, comma-separated) that fix it; nil unless `fix` is `.fixed`.
    public var fixedVersion: String?
    public var fix: FixState
    /// The severity on Slipway's scale, which `failOn` is compared with.
    public var severity: Severity
    /// The severity in the scanner's own words (`UNKNOWN`, `Negligible`, `security-severity 9.8`), kept as evidence.
    public var scannerSeverity: String
    /// A one-line summary of the vulnerability, when the report has one.
    public var title: String?
    /// Where it was found: trivy's target (`nginx:1.25 (debian 12.5)`, `app/package-lock.json`),
    /// grype's file path, or a SARIF result's location URI.
    public var location: String?

    /// A finding. `fix` says whether a fix is known when there is no `fixedVersion`: by default
    /// none is (`.notFixed`); with a `fixedVersion` it is always `.fixed`. `scannerSeverity`
    /// defaults to the severity's own name.
    public init(
        id: String, package: String, installedVersion: String?, fixedVersion: String?, fix: FixState? = nil,
        severity: Severity, scannerSeverity: String? = nil, title: String? = nil, location: String? = nil
    ) {
        self.id = id
        self.package = package
        self.installedVersion = installedVersion
        self.fixedVersion = fixedVersion
        switch (fixedVersion, fix) {
        case (.some, _): self.fix = .fixed
        // "Fixed" without a version to upgrade to is no fix anyone can apply: not known.
        case (nil, .fixed?): self.fix = .unknown
        case (nil, let fix?): self.fix = fix
        case (nil, nil): self.fix = .notFixed
        }
        self.severity = severity
        self.scannerSeverity = scannerSeverity ?? severity.rawValue
        self.title = title
        self.location = location
    }

    /// `CVE-2023-1234 (openssl 3.0.11)`: how a finding is named in summaries.
    public var label: String {
        "\(id) (\(package)\(installedVersion.map { " \($0)" } ?? ""))"
    }
}
