import Foundation

/// One entry of a scan's ignore list: a vulnerability the team has looked at and accepts for a
/// while, with the reason, and the day the acceptance ends.
///
/// ```yaml
/// - id: CVE-2023-1234
///   reason: "not reachable: we do not parse untrusted XML"
///   expires: 2027-01-31
///   package: libxml2   # optional: only this package
/// ```
public struct ScanIgnoreEntry: Sendable, Hashable, Codable {
    /// The advisory id, as the scanner reports it (`CVE-2023-1234`, `GHSA-…`); compared without regard to case.
    public var id: String
    /// Why the finding is accepted, for whoever reads the evidence.
    public var reason: String
    /// The day the entry stops ignoring: it ignores until 00:00 UTC that day, and from then on is
    /// expired (the same reading as trivy's `expired_at`).
    public var expires: CalendarDay
    /// When set, the entry ignores the vulnerability in this package only.
    public var package: String?
    /// Where the entry is written in the ignore file.
    public var location: SourceLocation

    public init(id: String, reason: String, expires: CalendarDay, package: String? = nil, location: SourceLocation) {
        self.id = id
        self.reason = reason
        self.expires = expires
        self.package = package
        self.location = location
    }

    /// Whether the entry names `finding`: the same id, and the same package when the entry names one.
    public func matches(_ finding: ScanFinding) -> Bool {
        guard id.caseInsensitiveCompare(finding.id) == .orderedSame else { return false }
        guard let package else { return true }
        return package.caseInsensitiveCompare(finding.package) == .orderedSame
    }

    /// Whether the entry has stopped ignoring at `now`.
    public func isExpired(at now: Date) -> Bool {
        now >= expires.start
    }

    /// `CVE-2023-1234` or `CVE-2023-1234 in libxml2`.
    public var subject: String {
        package.map { "\(id) in \($0)" } ?? id
    }

    enum CodingKeys: String, CodingKey { case id, reason, expires, package, file, line, column }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        reason = try container.decode(String.self, forKey: .reason)
        expires = try container.decode(CalendarDay.self, forKey: .expires)
        package = try container.decodeIfPresent(String.self, forKey: .package)
        location = SourceLocation(
            file: try container.decode(String.self, forKey: .file),
            line: try container.decode(Int.self, forKey: .line),
            column: try container.decode(Int.self, forKey: .column)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(reason, forKey: .reason)
        try container.encode(expires, forKey: .expires)
        try container.encodeIfPresent(package, forKey: .package)
        try container.encode(location.file, forKey: .file)
        try container.encode(location.line, forKey: .line)
        try container.encode(location.column, forKey: .column)
    }
}
