import Foundation

/// The paths a pipeline's steps keep between runs (`cache: [.build]`), as CI caches are.
///
/// Before a step, each cached path is moved from the pipeline's cache directory into the
/// checkout; after the step it is moved back. Moves are renames, never copies (a cache may be
/// gigabytes), so the state directory's `cache` and `work` must be on one file system, which
/// they are as siblings under it.
struct BuildCache {
    var layout: BuildLayout
    var pipeline: String

    /// Moves the cache of `path` (normalised, relative) into `checkout`, replacing whatever
    /// the commit has there. Returns false when there is no cache of it yet.
    func restore(_ path: String, into checkout: String, step: String) throws(BuildError) -> Bool {
        let entry = layout.cacheEntry(pipeline: pipeline, path: path)
        guard Self.exists(entry) else { return false }
        let destination = "\(checkout)/\(path)"
        let parent = (destination as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw .cacheFailed(step: step, path: path, message: "cannot create \(parent): \(error)")
        }
        try Self.requireInside(checkout, parent, path: path, step: step)
        if Self.exists(destination) {
            do {
                try FileManager.default.removeItem(atPath: destination)
            } catch {
                throw .cacheFailed(step: step, path: path, message: "cannot replace the commit's \(path): \(error)")
            }
        }
        try Self.move(entry, to: destination, path: path, step: step)
        return true
    }

    /// Moves `path` (normalised, relative) out of `checkout` into the cache, replacing the
    /// previous cache of it. Returns false when the checkout has nothing at `path`.
    func save(_ path: String, from checkout: String, step: String) throws(BuildError) -> Bool {
        let source = "\(checkout)/\(path)"
        guard Self.exists(source) else { return false }
        try Self.requireInside(checkout, (source as NSString).deletingLastPathComponent, path: path, step: step)
        let entry = layout.cacheEntry(pipeline: pipeline, path: path)
        do {
            try FileManager.default.createDirectory(
                atPath: layout.cacheDirectory(pipeline: pipeline), withIntermediateDirectories: true
            )
            if Self.exists(entry) { try FileManager.default.removeItem(atPath: entry) }
        } catch {
            throw .cacheFailed(step: step, path: path, message: "cannot make room for it in the cache: \(error)")
        }
        try Self.move(source, to: entry, path: path, step: step)
        return true
    }

    /// Whether anything (a file, a directory, a symbolic link, even a dangling one) is at `path`.
    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    private static func move(_ source: String, to destination: String, path: String, step: String) throws(BuildError) {
        guard rename(source, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            throw .cacheFailed(step: step, path: path, message: "cannot rename \(source) to \(destination): \(reason)")
        }
    }

    /// Refuses a cache path that reaches outside the checkout through a symbolic link the
    /// commit (or a step) put in its way.
    private static func requireInside(_ checkout: String, _ directory: String, path: String, step: String) throws(BuildError) {
        let root = URL(fileURLWithPath: checkout).resolvingSymlinksInPath().path
        let resolved = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        guard resolved == root || resolved.hasPrefix(root + "/") else {
            throw .unsafePath(step: step, field: "cache", path: path)
        }
    }
}
