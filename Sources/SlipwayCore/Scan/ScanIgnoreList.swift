import Foundation
import Yams

/// The vulnerabilities a scan accepts, read from the file a `scan:` entry names with `ignore:`.
///
/// ```yaml
/// ignore:
///   - id: CVE-2023-1234
///     reason: "not reachable: we do not parse untrusted XML"
///     expires: 2027-01-31
///     package: libxml2   # optional: only this package
/// ```
///
/// Every entry needs `id`, `reason` and `expires` (a day, `YYYY-MM-DD`). Reading reports every
/// problem in the file at once, each at its line and column.
public struct ScanIgnoreList: Sendable, Hashable, Codable {
    /// The file the list was read from; empty for `.empty`.
    public var file: String
    public var entries: [ScanIgnoreEntry]

    public init(file: String, entries: [ScanIgnoreEntry]) {
        self.file = file
        self.entries = entries
    }

    /// No entries: what a scan without `ignore:` uses.
    public static let empty = ScanIgnoreList(file: "", entries: [])

    /// The entries naming `finding`, in file order; those for its package first, as they are the more specific.
    public func entries(matching finding: ScanFinding) -> [ScanIgnoreEntry] {
        let matching = entries.filter { $0.matches(finding) }
        return matching.filter { $0.package != nil } + matching.filter { $0.package == nil }
    }

    /// Reads the ignore file `file` from its bytes; they must be UTF-8 text.
    public static func parse(_ data: Data, file: String) throws(ScanIgnoreListError) -> ScanIgnoreList {
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScanIgnoreListError(file: file, diagnostics: [
                SpecDiagnostic("the ignore file is not UTF-8 text; expected YAML with an `ignore:` list", at: .start(of: file)),
            ])
        }
        return try parse(text, file: file)
    }

    /// Reads the ignore file `file` from its text.
    public static func parse(_ contents: String, file: String) throws(ScanIgnoreListError) -> ScanIgnoreList {
        let diagnostics = DiagnosticCollector()
        let entries = root(of: contents, file: file, diagnostics).map { read($0, diagnostics) } ?? []
        guard diagnostics.isEmpty else {
            throw ScanIgnoreListError(file: file, diagnostics: diagnostics.diagnostics)
        }
        return ScanIgnoreList(file: file, entries: entries)
    }

    static let expectation = "expected `ignore:` with a list of entries, each with id, reason and expires (YYYY-MM-DD)"

    /// The file's one YAML document, or nil after reporting why there is none.
    private static func root(of contents: String, file: String, _ diagnostics: DiagnosticCollector) -> SpecNode? {
        do {
            let parser = try Parser(yaml: contents)
            guard let node = try parser.nextRoot() else {
                diagnostics.report("the ignore file is empty; \(expectation)", at: .start(of: file))
                return nil
            }
            if let second = try parser.nextRoot() {
                diagnostics.report(
                    "the ignore file holds more than one YAML document; expected one",
                    at: SourceLocation(file: file, line: second.mark?.line ?? 1, column: second.mark?.column ?? 1)
                )
                return nil
            }
            return SpecNode(node, file: file)
        } catch let error as YamlError {
            let (message, mark) = SpecLoader.describe(error)
            diagnostics.report(message, at: SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1))
        } catch {
            diagnostics.report("could not read YAML: \(error)", at: .start(of: file))
        }
        return nil
    }

    private static func read(_ root: SpecNode, _ diagnostics: DiagnosticCollector) -> [ScanIgnoreEntry] {
        guard let reader = MappingReader(root, what: "the ignore file", allowedKeys: ["ignore"], diagnostics: diagnostics),
              let items = reader.sequence("ignore", required: true)
        else { return [] }
        var entries: [ScanIgnoreEntry] = []
        for (index, item) in items.enumerated() {
            guard let entry = readEntry(item, number: index + 1, diagnostics) else { continue }
            if let earlier = entries.first(where: { $0.subject.lowercased() == entry.subject.lowercased() }) {
                diagnostics.report(
                    "a second ignore entry for \(entry.subject); the first is at \(earlier.location). Keep one, with the later expiry if that is meant",
                    at: entry.location
                )
                continue
            }
            entries.append(entry)
        }
        return entries
    }

    private static func readEntry(_ item: SpecNode, number: Int, _ diagnostics: DiagnosticCollector) -> ScanIgnoreEntry? {
        var what = "ignore entry \(number)"
        if case .mapping(let mapping) = item.node, let id = mapping["id"]?.string.flatMap({ ScanText.nonBlank($0) }) {
            what = "the ignore entry for \(id)"
        }
        guard let entry = MappingReader(item, what: what, allowedKeys: ["id", "reason", "expires", "package"], diagnostics: diagnostics)
        else { return nil }
        let id = nonBlank(entry, "id", "an advisory id such as CVE-2023-1234 or GHSA-xxxx-xxxx-xxxx")
        let reason = nonBlank(entry, "reason", "why the finding is accepted, e.g. \"not reachable: we do not parse untrusted XML\"")
        let expires: CalendarDay? = entry.value("expires", required: true).flatMap { node in
            guard let text = node.scalarText, let day = CalendarDay(text.trimmingCharacters(in: .whitespaces)) else {
                diagnostics.report(
                    "expected a date YYYY-MM-DD for 'expires' in \(what), found \(node.kindDescription)", at: node.location
                )
                return nil
            }
            return day
        }
        let package = entry.has("package") ? nonBlank(entry, "package", "the name of the package the entry is for") : nil
        if entry.has("package"), package == nil { return nil }
        guard let id, let reason, let expires else { return nil }
        return ScanIgnoreEntry(id: id, reason: reason, expires: expires, package: package, location: item.location)
    }

    /// The string at `key`, required and not blank; reports and returns nil otherwise.
    private static func nonBlank(_ entry: MappingReader, _ key: String, _ expected: String) -> String? {
        guard let text = entry.string(key, required: true) else { return nil }
        guard let value = ScanText.nonBlank(text) else {
            entry.report("'\(key)' in \(entry.what) is empty; expected \(expected)", at: key)
            return nil
        }
        return value
    }
}
