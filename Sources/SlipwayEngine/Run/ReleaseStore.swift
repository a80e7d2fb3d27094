import Foundation

/// Releases kept by id under an environment's `releases/` directory, so a slot runs a copy that
/// no later build can overwrite, and rolling back is a switch, not a rebuild.
struct ReleaseStore {
    var directory: String

    /// Copies the artifact at `path` to `releases/<release>/<its file name>` once; returns the copy's path.
    func keep(artifact path: String, release: String) throws -> String {
        let folder = "\(directory)/releases/\(release)"
        let destination = folder + "/" + (path as NSString).lastPathComponent
        let manager = FileManager.default
        if manager.isExecutableFile(atPath: destination) { return destination }
        try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let partial = destination + ".partial"
        try? manager.removeItem(atPath: partial)
        try manager.copyItem(atPath: path, toPath: partial)
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: partial)
        try manager.moveItem(atPath: partial, toPath: destination)
        return destination
    }
}
