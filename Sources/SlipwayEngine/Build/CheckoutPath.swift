/// Paths a pipeline gives relative to the checkout (`cache`, `produces`, `workingDirectory`),
/// checked so that none of them can reach outside it.
enum CheckoutPath {
    /// `path` without `.` components and repeated or trailing slashes (`""` for the checkout
    /// itself), or nil when it is absolute or has a `..` component.
    static func normalized(_ path: String) -> String? {
        guard !path.hasPrefix("/") else { return nil }
        let components = path.split(separator: "/").filter { $0 != "." }
        guard !components.contains("..") else { return nil }
        return components.joined(separator: "/")
    }

    /// Whether `name` can be used as one file name (a step's log, an artifact's copy).
    static func isPlainFileName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\0")
    }
}
