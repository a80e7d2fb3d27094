import Foundation

/// A fresh, empty directory under the system's temporary directory, removed
/// with everything in it when the last reference goes away.
///
/// Tests run in parallel, so each one gets a directory of its own, created
/// with a unique name; nothing a test writes can collide with
/// another test or survive it.
///
/// ```swift
/// let scratch = try TemporaryDirectory()
/// let workspace = scratch.path("work/run-1")
/// ```
public final class TemporaryDirectory: Sendable {
    /// The directory's absolute path, with symbolic links resolved (on macOS
    /// `/var` is a link to `/private/var`, and tools report the real path).
    public let path: String

    /// Creates the directory. `prefix` starts its name, to tell leftovers
    /// apart if a test process is killed before it can clean up.
    public init(prefix: String = "slipway") throws {
        let base = FileManager.default.temporaryDirectory
        let url = base.appendingPathComponent("\(prefix)-\(UUID().uuidString.lowercased())", isDirectory: true)
        do {
            // Without intermediate directories, creation fails if the name
            // is taken, so two tests can never share a directory.
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        } catch {
            throw TemporaryDirectoryError(message: "cannot create a temporary directory under \(base.path): \(error)")
        }
        self.path = url.resolvingSymlinksInPath().path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The URL of the directory.
    public var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

    /// The absolute path of `relative` inside the directory. Nothing is
    /// created.
    public func path(_ relative: String) -> String {
        relative.isEmpty ? path : "\(path)/\(relative)"
    }

    /// Every regular file and symbolic link under `relative` (the whole
    /// directory by default), as paths relative to it, sorted. Directories
    /// themselves are not listed. Useful to compare a tree of files with an
    /// expected list.
    public func files(under relative: String = "") throws -> [String] {
        let root = URL(fileURLWithPath: path(relative), isDirectory: true)
        let keys: [URLResourceKey] = [.isRegularFileKey, .isSymbolicLinkKey]
        guard let enumerator = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: keys, options: []
        ) else { return [] }
        let rootPath = root.resolvingSymlinksInPath().path
        var files: [String] = []
        for case let url as URL in enumerator {
            let values = try url.resourceValues(forKeys: Set(keys))
            guard values.isRegularFile == true || values.isSymbolicLink == true else { continue }
            let full = url.deletingLastPathComponent().resolvingSymlinksInPath()
                .appendingPathComponent(url.lastPathComponent).path
            files.append(String(full.dropFirst(rootPath.count + 1)))
        }
        return files.sorted()
    }
}

/// The temporary directory could not be created.
public struct TemporaryDirectoryError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
