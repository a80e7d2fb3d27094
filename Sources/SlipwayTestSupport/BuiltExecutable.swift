import Foundation

/// An executable product this package built, found beside the test bundle.
public enum BuiltExecutable {
    /// The path of the executable called `name`, e.g. `ollama-sim`.
    public static func path(named name: String) throws -> String {
        var candidates: [URL] = []
        let bundle = Bundle.main.bundleURL
        candidates.append(bundle.appendingPathComponent(name))
        candidates.append(bundle.deletingLastPathComponent().appendingPathComponent(name))
        for directory in Bundle.allBundles.map(\.bundleURL) {
            candidates.append(directory.deletingLastPathComponent().appendingPathComponent(name))
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/\(name)"))
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate.path
        }
        throw TemporaryDirectoryError(message: "the \(name) executable was not built; looked in \(candidates.map(\.path))")
    }
}

extension BuiltExecutable {
    /// The executable called `name` where a sandboxed build step can read it: a build step's
    /// `/tmp` is its own, so an executable this package built under /tmp (a clone there) is
    /// copied once to /var/tmp, keyed by its size and modification time.
    public static func readableFromSandbox(named name: String) throws -> String {
        let path = try path(named: name)
        guard path.hasPrefix("/tmp/") else { return path }
        let manager = FileManager.default
        let attributes = try manager.attributesOfItem(atPath: path)
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = Int64((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        let folder = "/var/tmp/slipway-tests-\(getuid())"
        let copy = "\(folder)/\(name)-\(size)-\(modified)"
        if manager.isExecutableFile(atPath: copy) { return copy }
        try manager.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let partial = "\(copy).\(getpid()).partial"
        try? manager.removeItem(atPath: partial)
        try manager.copyItem(atPath: path, toPath: partial)
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: partial)
        // Another test process may have won the race: either copy is the same file.
        if rename(partial, copy) != 0 { try? manager.removeItem(atPath: partial) }
        return copy
    }
}
