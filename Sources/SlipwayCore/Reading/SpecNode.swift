import Yams

/// A YAML node together with the file it was read from, so that every value
/// read from it can say where it came from.
public struct SpecNode {
    public let node: Node
    public let file: String
    let fallback: SourceLocation

    public init(_ node: Node, file: String, fallback: SourceLocation? = nil) {
        self.node = node
        self.file = file
        self.fallback = fallback ?? .start(of: file)
    }

    public var location: SourceLocation {
        guard let mark = node.mark else { return fallback }
        return SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    func child(_ node: Node) -> SpecNode {
        SpecNode(node, file: file, fallback: location)
    }

    /// How a person would describe what was found, for "expected X, found Y".
    var kindDescription: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if scalar.style == .plain {
                if node.null != nil { return "nothing (null)" }
                if node.bool != nil { return "a boolean (\(scalar.string))" }
                if node.int != nil { return "a number (\(scalar.string))" }
                if node.float != nil { return "a number (\(scalar.string))" }
            }
            return "the string \"\(scalar.string)\""
        }
    }

    /// A plain scalar of digits (with an optional sign) that may be too large for `Int`.
    var isPlainWholeNumber: Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        var digits = Substring(scalar.string)
        if digits.first == "-" || digits.first == "+" { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    var isNull: Bool {
        if case .scalar(let scalar) = node, scalar.style == .plain, node.null != nil { return true }
        return false
    }

    /// The scalar's text, or nil when the node is not a (non-null) scalar.
    var scalarText: String? {
        guard case .scalar(let scalar) = node, !isNull else { return nil }
        return scalar.string
    }

    var sequenceItems: [SpecNode]? {
        guard case .sequence(let sequence) = node else { return nil }
        return sequence.map { child($0) }
    }
}
