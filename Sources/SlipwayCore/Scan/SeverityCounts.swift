/// How many findings there are of each severity.
public struct SeverityCounts: Sendable, Hashable, Codable, CustomStringConvertible {
    public var critical = 0
    public var high = 0
    public var medium = 0
    public var low = 0
    public var negligible = 0

    public init() {}

    /// The counts of `findings`' severities.
    public init(_ findings: [ScanFinding]) {
        for finding in findings { self[finding.severity] += 1 }
    }

    public subscript(severity: Severity) -> Int {
        get {
            switch severity {
            case .critical: critical
            case .high: high
            case .medium: medium
            case .low: low
            case .negligible: negligible
            }
        }
        set {
            switch severity {
            case .critical: critical = newValue
            case .high: high = newValue
            case .medium: medium = newValue
            case .low: low = newValue
            case .negligible: negligible = newValue
            }
        }
    }

    public var total: Int { critical + high + medium + low + negligible }

    /// `2 critical, 5 high, 1 medium`: the non-zero counts, most severe first; `no findings` when all are zero.
    public var description: String {
        let parts = Severity.allCases.reversed().compactMap { severity in
            self[severity] > 0 ? "\(self[severity]) \(severity.rawValue)" : nil
        }
        return parts.isEmpty ? "no findings" : parts.joined(separator: ", ")
    }
}
