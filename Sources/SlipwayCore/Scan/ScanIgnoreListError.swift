/// An ignore file could not be read: every problem in it, each with its line and column, so
/// that one fix-up round mends them all.
public struct ScanIgnoreListError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The ignore file's path, as the spec's `ignore:` names it.
    public var file: String
    /// The problems, in file order.
    public var diagnostics: [SpecDiagnostic]

    public init(file: String, diagnostics: [SpecDiagnostic]) {
        self.file = file
        self.diagnostics = diagnostics.sorted { $0.location < $1.location }
    }

    /// One `file:line:column: message` line per problem.
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
