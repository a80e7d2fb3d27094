import Foundation

/// Paths a pipeline gives relative to the checkout (`cache`, `produces`, `workingDirectory`,
/// a scan's `report:`), checked so that none of them can reach outside it.
enum CheckoutPath {
    /// Where a path of the checkout leads once every symbolic link in it is followed.
    enum Resolution: Equatable {
        /// To this file, inside the checkout.
        case inside(String)
        /// Out of the checkout, to this path (a link a build step made to the runner's files).
        case outside(String)
        /// Nowhere: the path, or what a link in it points at, does not exist.
        case missing
    }

    /// Follows every symbolic link of `relative` (already ``normalized(_:)``) in `checkout`.
    static func resolve(_ relative: String, in checkout: String) -> Resolution {
        guard let root = realPath(checkout) else { return .missing }
        guard let target = realPath(relative.isEmpty ? checkout : "\(checkout)/\(relative)") else { return .missing }
        return target == root || target.hasPrefix(root == "/" ? "/" : root + "/") ? .inside(target) : .outside(target)
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

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
