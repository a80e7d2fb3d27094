/// `metadata:` of every spec document.
public struct SpecMetadata: Sendable, Equatable {
    public var name: String
    public var labels: [String: String]

    public init(name: String, labels: [String: String] = [:]) {
        self.name = name
        self.labels = labels
    }

    /// Names are DNS labels (as in Kubernetes): they appear in URLs, file names and metrics labels.
    public static func isValidName(_ name: String) -> Bool {
        guard (1...63).contains(name.count) else { return false }
        let allowed = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        return allowed && name.first != "-" && name.last != "-"
    }

    public static let nameExpectation = "a name of lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters"
}
