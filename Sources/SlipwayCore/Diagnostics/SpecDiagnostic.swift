/// One problem found in a spec: where it is and what was expected there.
public struct SpecDiagnostic: Hashable, Sendable, CustomStringConvertible, Codable {
    public var location: SourceLocation
    public var message: String

    public init(_ message: String, at location: SourceLocation) {
        self.location = location
        self.message = message
    }

    /// `file:line:column: message`, the form compilers use, so editors can jump to it.
    public var description: String { "\(location): \(message)" }

    enum CodingKeys: String, CodingKey { case file, line, column, message }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.location = SourceLocation(
            file: try container.decode(String.self, forKey: .file),
            line: try container.decode(Int.self, forKey: .line),
            column: try container.decode(Int.self, forKey: .column)
        )
        self.message = try container.decode(String.self, forKey: .message)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(location.file, forKey: .file)
        try container.encode(location.line, forKey: .line)
        try container.encode(location.column, forKey: .column)
        try container.encode(message, forKey: .message)
    }
}

/// Every problem found while loading a set of specs, in file order.
/// A load never stops at the first problem: a user fixes them all in one go.
public struct SpecLoadError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [SpecDiagnostic]

    public init(diagnostics: [SpecDiagnostic]) {
        self.diagnostics = diagnostics.sorted { $0.location < $1.location }
    }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}

/// Collects diagnostics while specs are read. Reading goes on after a problem,
/// so that one load reports every mistake in every file.
public final class DiagnosticCollector {
    public private(set) var diagnostics: [SpecDiagnostic] = []

    public init() {}

    public func report(_ message: String, at location: SourceLocation) {
        let diagnostic = SpecDiagnostic(message, at: location)
        if !diagnostics.contains(diagnostic) {
            diagnostics.append(diagnostic)
        }
    }

    public var isEmpty: Bool { diagnostics.isEmpty }
}
