import Foundation

/// Releases kept by id under an environment's `releases/` directory, so a slot runs a copy that
/// no later build can overwrite, and rolling back is a switch, not a rebuild.
///
/// Each release's folder holds the artifact and `release.json`, which says how to start it
/// again (the executable, the Ollama model it serves, its commit); the manifest is written last,
/// so a folder without one is an interrupted copy.
struct ReleaseStore {
    var directory: String

    /// What a kept release needs to start again.
    struct KeptRelease: Codable, Equatable {
        var releaseID: String
        var commitSHA: String
        /// The kept copy of the artifact.
        var executable: String
        /// The Ollama model the release serves (``ReleaseModelName``).
        var model: String
    }

    static let manifestName = "release.json"

    /// Copies the artifact at `path` to `releases/<release>/<its file name>` once and records the
    /// manifest; returns what was kept.
    func keep(artifact path: String, release: String, commitSHA: String, model: String) throws -> KeptRelease {
        let folder = "\(directory)/releases/\(release)"
        let destination = folder + "/" + (path as NSString).lastPathComponent
        let manager = FileManager.default
        if !manager.isExecutableFile(atPath: destination) {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let partial = destination + ".partial"
            try? manager.removeItem(atPath: partial)
            try manager.copyItem(atPath: path, toPath: partial)
            try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: partial)
            try manager.moveItem(atPath: partial, toPath: destination)
        }
        let kept = KeptRelease(releaseID: release, commitSHA: commitSHA, executable: destination, model: model)
        if self.kept(release: release) != kept {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(kept).write(to: URL(fileURLWithPath: folder + "/" + Self.manifestName), options: .atomic)
        }
        return kept
    }

    /// The kept release `release`, or nil when it is not (completely) kept. A release kept
    /// before manifests were written (its folder holds only the executable) is found too, serving
    /// `fallbackModel`.
    func kept(release: String, commitSHA: String = "", fallbackModel: String? = nil) -> KeptRelease? {
        let folder = "\(directory)/releases/\(release)"
        if let data = FileManager.default.contents(atPath: folder + "/" + Self.manifestName),
           let kept = try? JSONDecoder().decode(KeptRelease.self, from: data),
           FileManager.default.isExecutableFile(atPath: kept.executable) {
            return kept
        }
        guard let fallbackModel,
              let name = try? FileManager.default.contentsOfDirectory(atPath: folder).first(where: {
                  !$0.hasSuffix(".partial") && $0 != Self.manifestName && FileManager.default.isExecutableFile(atPath: folder + "/" + $0)
              })
        else { return nil }
        return KeptRelease(releaseID: release, commitSHA: commitSHA, executable: folder + "/" + name, model: fallbackModel)
    }
}
