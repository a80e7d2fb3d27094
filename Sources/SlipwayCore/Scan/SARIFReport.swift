import Foundation

/// Reads a SARIF 2.1.0 log (`trivy image --format sarif`, `grype <image> -o sarif`, or any tool
/// that writes SARIF): every result of every run is a finding.
///
/// - The vulnerability id is the advisory id in the result's `ruleId` (grype writes
///   `CVE-2023-1234-openssl`; the finding's id is `CVE-2023-1234`), else the `ruleId` itself.
/// - The severity is the `security-severity` property (a CVSS score) of the result or of its rule
///   in `tool.driver.rules`, else the result's `level` (or the rule's default level, or SARIF's
///   default `warning`); see `Severity.init(cvssScore:)` and `Severity.init(sarifLevel:)`.
/// - The package, its version and the fixed version come from the result's `properties`
///   (`packageName`, `packageVersion`/`installedVersion`, `fixedVersion`), else from the
///   `Package:` / `Installed Version:` / `Fixed Version:` lines trivy writes in the message, else
///   grype's "reports NAME at version VERSION" message and its rule's help, else the package is the
///   result's location URI and its version and fix are unknown.
/// - Results of kind `pass`, `notApplicable` or `informational` are not findings. A run without
///   `results` has none.
public enum SARIFReport {
    public static func parse(_ data: Data) throws(ScanReportError) -> [ScanFinding] {
        switch try ScanReport.topLevel(of: data, scanner: .sarif) {
        case .object(let keys):
            try ScanReport.requireKeys(["version", "runs"], in: keys, scanner: .sarif)
        case .array, .scalar:
            throw ScanReportError(
                .wrongShape, scanner: .sarif,
                "the report is not a JSON object; this does not look like \(ScanReport.expectation(for: .sarif))"
            )
        }
        let log = try ScanReport.decode(Log.self, from: data, scanner: .sarif)
        guard log.version == "2.1.0" else {
            throw ScanReportError(
                .unsupportedVersion, scanner: .sarif, "SARIF version \"\(log.version)\"; Slipway reads SARIF 2.1.0", path: "version"
            )
        }
        var findings: [ScanFinding] = []
        for (runIndex, run) in log.runs.enumerated() {
            let rules = run.tool.driver.rules ?? []
            var rulesByID: [String: Rule] = [:]
            for rule in rules where rulesByID[rule.id] == nil { rulesByID[rule.id] = rule }
            for (index, result) in (run.results ?? []).enumerated() {
                if let kind = result.kind, ["pass", "notApplicable", "informational"].contains(kind) { continue }
                let path = "runs[\(runIndex)].results[\(index)]"
                guard let ruleID = ScanText.nonBlank(result.ruleId ?? result.rule?.id) else {
                    throw ScanReportError(
                        .wrongShape, scanner: .sarif, "the result has neither \"ruleId\" nor \"rule.id\"; expected the id of the vulnerability it reports",
                        path: path
                    )
                }
                var rule = rulesByID[ruleID]
                if let ruleIndex = result.ruleIndex ?? result.rule?.index, rules.indices.contains(ruleIndex), rules[ruleIndex].id == ruleID {
                    rule = rules[ruleIndex]
                }
                findings.append(try finding(result, rule: rule, ruleID: ruleID, path: path))
            }
        }
        return findings
    }

    private static func finding(_ result: Result, rule: Rule?, ruleID: String, path: String) throws(ScanReportError) -> ScanFinding {
        let severity: Severity
        let scannerSeverity: String
        if let score = securitySeverity(result.properties) ?? securitySeverity(rule?.properties) {
            severity = Severity(cvssScore: score)
            scannerSeverity = "security-severity \(score)"
        } else {
            let level = result.level ?? rule?.defaultConfiguration?.level ?? "warning"
            guard let fromLevel = Severity(sarifLevel: level) else {
                throw ScanReportError(
                    .wrongShape, scanner: .sarif, "unknown level \"\(level)\"; expected one of error, warning, note, none",
                    path: result.level != nil ? "\(path).level" : path
                )
            }
            severity = fromLevel
            scannerSeverity = "level \(level)"
        }
        let uri = result.locations?.lazy.compactMap { ScanText.nonBlank($0.physicalLocation?.artifactLocation?.uri) }.first
        let package = PackageDetails(result: result, rule: rule)
        return ScanFinding(
            id: advisoryID(in: ruleID),
            package: package.name ?? uri ?? ruleID,
            installedVersion: package.version,
            fixedVersion: package.fixedVersion,
            fix: package.fixStated ? .notFixed : .unknown,
            severity: severity,
            scannerSeverity: scannerSeverity,
            title: ScanText.firstLine(rule?.shortDescription?.text) ?? ScanText.firstLine(rule?.fullDescription?.text)
                ?? ScanText.firstLine(result.message.text),
            location: uri
        )
    }

    /// A `security-severity` property, written as a string (`"9.8"`, as GitHub asks) or a number.
    private static func securitySeverity(_ properties: JSONValue?) -> Double? {
        switch properties?["security-severity"] {
        case .number(let score)?: score
        case .string(let text)?: Double(text.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    /// `CVE-2023-1234` in `CVE-2023-1234-openssl` (grype's rule ids) or `[HIGH] CVE-2023-1234`;
    /// also GHSA ids and `RUSTSEC-2023-0001`-like ones. The whole rule id when none is in it.
    static func advisoryID(in ruleID: String) -> String {
        let pattern = #/CVE-\d{4}-\d{4,}|GHSA(?:-[0-9a-zA-Z]{4}){3}|[A-Z]{2,}-\d{4}-\d{3,}/#
        guard let match = ruleID.firstMatch(of: pattern) else { return ruleID }
        return String(match.output)
    }

    /// What a result says about the package it found vulnerable.
    private struct PackageDetails {
        var name: String?
        var version: String?
        var fixedVersion: String?
        /// True when the report says whether there is a fix (trivy's `Fixed Version:` line, even empty).
        var fixStated = false

        init(result: Result, rule: Rule?) {
            let properties = result.properties
            name = Self.string(properties, ["packageName", "package", "pkgName", "PkgName", "package_name"])
            version = Self.string(properties, ["packageVersion", "installedVersion", "InstalledVersion", "package_version"])
            if let fixed = Self.string(properties, ["fixedVersion", "FixedVersion", "fixed_version"]) {
                fixedVersion = fixed
                fixStated = true
            }
            let message = Self.fields(in: result.message.text)
            take(message)
            if name == nil, let text = result.message.text,
               let match = text.firstMatch(of: #/reports (\S+) at version (\S+)/#) {
                name = String(match.output.1)
                version = version ?? String(match.output.2)
            }
            take(Self.fields(in: rule?.help?.text))
        }

        /// Fills what is still missing from `Package:`, `Installed Version:`/`Version:` and `Fixed Version:`/`Fix Version:` lines.
        private mutating func take(_ fields: [String: String]) {
            name = name ?? fields["package"].flatMap { ScanText.nonBlank($0) }
            version = version ?? (fields["installed version"] ?? fields["version"]).flatMap { ScanText.nonBlank($0) }
            if !fixStated, let fixed = fields["fixed version"] ?? fields["fix version"] {
                fixedVersion = ScanText.nonBlank(fixed)
                fixStated = true
            }
        }

        private static func string(_ properties: JSONValue?, _ keys: [String]) -> String? {
            for key in keys {
                if case .string(let text)? = properties?[key], let value = ScanText.nonBlank(text) { return value }
            }
            return nil
        }

        /// `Key: value` lines, keyed by the lower-cased key.
        private static func fields(in text: String?) -> [String: String] {
            var fields: [String: String] = [:]
            for line in (text ?? "").split(whereSeparator: \.isNewline) {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                if fields[key] == nil { fields[key] = value }
            }
            return fields
        }
    }

    // The parts of SARIF 2.1.0 read here; see the OASIS standard, section 3.

    private struct Log: Decodable {
        let version: String
        let runs: [Run]
    }

    private struct Run: Decodable {
        let tool: Tool
        let results: [Result]?
    }

    private struct Tool: Decodable {
        let driver: Driver
    }

    private struct Driver: Decodable {
        let name: String
        let rules: [Rule]?
    }

    private struct Rule: Decodable {
        let id: String
        let shortDescription: Message?
        let fullDescription: Message?
        let help: Message?
        let defaultConfiguration: Configuration?
        let properties: JSONValue?
    }

    private struct Configuration: Decodable {
        let level: String?
    }

    private struct Message: Decodable {
        let text: String?
    }

    private struct Result: Decodable {
        let ruleId: String?
        let ruleIndex: Int?
        let rule: RuleReference?
        let kind: String?
        let level: String?
        let message: Message
        let locations: [Location]?
        let properties: JSONValue?
    }

    private struct RuleReference: Decodable {
        let id: String?
        let index: Int?
    }

    private struct Location: Decodable {
        let physicalLocation: PhysicalLocation?
    }

    private struct PhysicalLocation: Decodable {
        let artifactLocation: ArtifactLocation?
    }

    private struct ArtifactLocation: Decodable {
        let uri: String?
    }
}
