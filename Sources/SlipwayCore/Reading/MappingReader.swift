import Yams

/// Reads one YAML mapping of a spec. Unknown keys are reported as soon as the
/// reader is made; each accessor reports a missing or mistyped value and
/// returns nil, so the caller goes on and the load reports everything at once.
public final class MappingReader {
    public let node: SpecNode
    let what: String
    let diagnostics: DiagnosticCollector
    private let entries: [(key: String, keyNode: SpecNode, value: SpecNode)]

    /// Returns nil (after reporting) when `node` is not a mapping.
    public init?(
        _ node: SpecNode,
        what: String,
        allowedKeys: [String],
        diagnostics: DiagnosticCollector
    ) {
        guard case .mapping(let mapping) = node.node else {
            diagnostics.report("expected \(what) as a mapping, found \(node.kindDescription)", at: node.location)
            return nil
        }
        self.node = node
        self.what = what
        self.diagnostics = diagnostics
        var entries: [(key: String, keyNode: SpecNode, value: SpecNode)] = []
        for (key, value) in mapping {
            let keyNode = node.child(key)
            guard let name = keyNode.scalarText else {
                diagnostics.report("expected a key name in \(what), found \(keyNode.kindDescription)", at: keyNode.location)
                continue
            }
            guard allowedKeys.contains(name) else {
                diagnostics.report(
                    MappingReader.unknownKeyMessage(name, in: what, allowed: allowedKeys),
                    at: keyNode.location
                )
                continue
            }
            entries.append((name, keyNode, keyNode.child(value)))
        }
        self.entries = entries
    }

    static func unknownKeyMessage(_ key: String, in what: String, allowed: [String]) -> String {
        var message = "unknown key '\(key)' in \(what); expected one of: \(allowed.joined(separator: ", "))"
        if let suggestion = closestMatch(to: key, among: allowed) {
            message += " (did you mean '\(suggestion)'?)"
        }
        return message
    }

    public var location: SourceLocation { node.location }

    public func has(_ key: String) -> Bool { entries.contains { $0.key == key } }

    /// The value node for `key`; reports it missing when `required`.
    public func value(_ key: String, required: Bool = false) -> SpecNode? {
        if let entry = entries.first(where: { $0.key == key }) {
            return entry.value
        }
        if required {
            diagnostics.report("missing required key '\(key)' in \(what)", at: location)
        }
        return nil
    }

    /// The location of `key` itself (not its value), or of the mapping.
    public func keyLocation(_ key: String) -> SourceLocation {
        entries.first(where: { $0.key == key })?.keyNode.location ?? location
    }

    public func string(_ key: String, required: Bool = false) -> String? {
        guard let node = value(key, required: required) else { return nil }
        return readString(node, key: key)
    }

    func readString(_ node: SpecNode, key: String) -> String? {
        guard let text = node.scalarText else {
            diagnostics.report("expected a string for '\(key)' in \(what), found \(node.kindDescription)", at: node.location)
            return nil
        }
        return text
    }

    public func bool(_ key: String) -> Bool? {
        guard let node = value(key) else { return nil }
        if node.scalarText != nil, let flag = node.node.bool,
           ["true", "false"].contains(node.scalarText!.lowercased()) {
            return flag
        }
        diagnostics.report("expected true or false for '\(key)' in \(what), found \(node.kindDescription)", at: node.location)
        return nil
    }

    public func int(_ key: String, required: Bool = false, in range: ClosedRange<Int>? = nil) -> Int? {
        guard let node = value(key, required: required) else { return nil }
        guard node.scalarText != nil, let number = node.node.int else {
            if let text = node.scalarText, let range, node.isPlainWholeNumber {
                // A whole number too large for Int: say what range was expected, not "a whole number".
                diagnostics.report(
                    "'\(key)' in \(what) must be between \(range.lowerBound) and \(range.upperBound), found \(text)",
                    at: node.location
                )
                return nil
            }
            diagnostics.report("expected a whole number for '\(key)' in \(what), found \(node.kindDescription)", at: node.location)
            return nil
        }
        if let range, !range.contains(number) {
            diagnostics.report(
                "'\(key)' in \(what) must be between \(range.lowerBound) and \(range.upperBound), found \(number)",
                at: node.location
            )
            return nil
        }
        return number
    }

    public func double(_ key: String, required: Bool = false) -> Double? {
        guard let node = value(key, required: required) else { return nil }
        guard node.scalarText != nil, let number = node.node.float ?? node.node.int.map(Double.init) else {
            diagnostics.report("expected a number for '\(key)' in \(what), found \(node.kindDescription)", at: node.location)
            return nil
        }
        return number
    }

    public func duration(_ key: String, required: Bool = false) -> Duration? {
        guard let node = value(key, required: required) else { return nil }
        guard let text = node.scalarText, let duration = SpecDuration.parse(text) else {
            diagnostics.report(
                "expected \(SpecDuration.expectation) for '\(key)' in \(what), found \(node.kindDescription)",
                at: node.location
            )
            return nil
        }
        return duration
    }

    /// A list of strings; a single string is not silently taken as a list of one.
    public func stringList(_ key: String, required: Bool = false) -> [String]? {
        locatedStringList(key, required: required)?.map(\.text)
    }

    /// A list of strings, each with where it is written, so a problem with one
    /// item can point at that item rather than at the list.
    public func locatedStringList(_ key: String, required: Bool = false) -> [(text: String, location: SourceLocation)]? {
        guard let node = value(key, required: required) else { return nil }
        guard let items = node.sequenceItems else {
            diagnostics.report("expected a list of strings for '\(key)' in \(what), found \(node.kindDescription)", at: node.location)
            return nil
        }
        var strings: [(text: String, location: SourceLocation)] = []
        for item in items {
            guard let text = item.scalarText else {
                diagnostics.report("expected a string in the list '\(key)' of \(what), found \(item.kindDescription)", at: item.location)
                continue
            }
            strings.append((text, item.location))
        }
        return strings
    }

    /// A mapping of string keys to string values, e.g. environment variables.
    public func stringMap(_ key: String) -> [String: String]? {
        guard let node = value(key) else { return nil }
        guard case .mapping(let mapping) = node.node else {
            diagnostics.report("expected a mapping of names to strings for '\(key)' in \(what), found \(node.kindDescription)", at: node.location)
            return nil
        }
        var result: [String: String] = [:]
        for (keyNode, valueNode) in mapping {
            let keyItem = node.child(keyNode)
            let valueItem = node.child(valueNode)
            guard let name = keyItem.scalarText else {
                diagnostics.report("expected a name in '\(key)' of \(what), found \(keyItem.kindDescription)", at: keyItem.location)
                continue
            }
            guard let text = valueItem.scalarText else {
                diagnostics.report("expected a string for '\(name)' in '\(key)' of \(what), found \(valueItem.kindDescription)", at: valueItem.location)
                continue
            }
            result[name] = text
        }
        return result
    }

    /// The entries of a mapping-valued key, in file order, each with its key's location.
    public func namedEntries(_ key: String) -> [(name: String, location: SourceLocation, value: SpecNode)]? {
        guard let node = value(key) else { return nil }
        guard case .mapping(let mapping) = node.node else {
            diagnostics.report("expected a mapping for '\(key)' in \(what), found \(node.kindDescription)", at: node.location)
            return nil
        }
        var result: [(name: String, location: SourceLocation, value: SpecNode)] = []
        for (keyNode, valueNode) in mapping {
            let keyItem = node.child(keyNode)
            guard let name = keyItem.scalarText else {
                diagnostics.report("expected a name in '\(key)' of \(what), found \(keyItem.kindDescription)", at: keyItem.location)
                continue
            }
            result.append((name, keyItem.location, keyItem.child(valueNode)))
        }
        return result
    }

    /// A nested mapping read with its own allowed keys.
    public func mapping(_ key: String, what nestedWhat: String, allowedKeys: [String], required: Bool = false) -> MappingReader? {
        guard let node = value(key, required: required) else { return nil }
        return MappingReader(node, what: nestedWhat, allowedKeys: allowedKeys, diagnostics: diagnostics)
    }

    /// The items of a list-valued key.
    public func sequence(_ key: String, required: Bool = false) -> [SpecNode]? {
        guard let node = value(key, required: required) else { return nil }
        guard let items = node.sequenceItems else {
            diagnostics.report("expected a list for '\(key)' in \(what), found \(node.kindDescription)", at: node.location)
            return nil
        }
        return items
    }

    public func report(_ message: String, at key: String? = nil) {
        diagnostics.report(message, at: key.flatMap { value($0)?.location } ?? location)
    }
}

/// The allowed name closest to a mistyped one, when it is close enough to be a typo.
func closestMatch(to word: String, among candidates: [String]) -> String? {
    let lowered = word.lowercased()
    var best: (name: String, distance: Int)?
    for candidate in candidates {
        let distance = editDistance(lowered, candidate.lowercased())
        if distance <= max(1, candidate.count / 3), distance < (best?.distance ?? Int.max) {
            best = (candidate, distance)
        }
    }
    return best?.name
}

/// Edits (insert, delete, replace, or swap two neighbours) from `a` to `b`:
/// "prdo" is one swap from "prod", as close as a typo can be.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var beforePrevious: [Int] = []
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            )
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                current[j] = min(current[j], beforePrevious[j - 2] + 1)
            }
        }
        beforePrevious = previous
        previous = current
    }
    return previous[b.count]
}
