import Foundation
import SlipwayLedger
import SlipwaySystem

/// Releases kept by id under an environment's `releases/` directory, so a slot runs a copy that
/// no later build can overwrite, and rolling back is a switch, not a rebuild.
///
/// Each release's folder holds the artifact and `release.json`, which says how to start it
/// again (the executable, the Ollama model it serves, its commit) and the executable's digest;
/// the manifest is written last, so a folder without one is an interrupted copy. The executable
/// is hashed again before it is started (``verify(_:against:)``), so a binary changed on disk
/// after its build is never run.
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
        /// `sha256:` of the executable as it was kept (the build's digest when ``keep`` was given it).
        var digest: String?
    }

    /// A kept executable whose bytes are not the ones recorded.
    struct TamperedRelease: Error, CustomStringConvertible {
        var executable: String
        var expected: String
        var found: String
        var what: String

        var description: String {
            "\(executable) has \(found), but \(what) is \(expected): the binary was changed after it was built; it is not started"
        }
    }

    static let manifestName = "release.json"

    /// Copies the artifact at `path` to `releases/<release>/<its file name>` once and records the
    /// manifest with the copy's digest; returns what was kept. With `digest` (the build's, as the
    /// ledger recorded it), a copy whose bytes differ — the artifact changed after the build, or
    /// the kept copy since — is refused.
    func keep(artifact path: String, release: String, commitSHA: String, model: String, digest: String? = nil) throws -> KeptRelease {
        let folder = "\(directory)/releases/\(release)"
        let destination = folder + "/" + (path as NSString).lastPathComponent
        let manager = FileManager.default
        if !manager.isExecutableFile(atPath: destination) {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let partial = destination + ".partial"
            try? manager.removeItem(atPath: partial)
            try manager.copyItem(atPath: path, toPath: partial)
            try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: partial)
            if let digest { try Self.verify(executable: partial, against: digest, what: "the digest the ledger recorded for the build") }
            try manager.moveItem(atPath: partial, toPath: destination)
        }
        var kept = KeptRelease(releaseID: release, commitSHA: commitSHA, executable: destination, model: model, digest: digest)
        let existing = self.kept(release: release)
        if let digest {
            try Self.verify(executable: destination, against: digest, what: "the digest the ledger recorded for the build")
        } else if let recorded = existing?.digest {
            kept.digest = recorded
        } else {
            kept.digest = try FileDigest.sha256(path: destination).digest
        }
        if existing != kept {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(kept).write(to: URL(fileURLWithPath: folder + "/" + Self.manifestName), options: .atomic)
        }
        return kept
    }

    /// Hashes `executable` again and throws ``TamperedRelease`` unless it has `digest`.
    static func verify(executable: String, against digest: String, what: String) throws {
        let found = try FileDigest.sha256(path: executable).digest
        guard found == digest else { throw TamperedRelease(executable: executable, expected: digest, found: found, what: what) }
    }

    /// Hashes the executable of a launch again, when it is a kept release whose manifest records
    /// its digest (`releases/<release>/release.json` beside it); throws ``TamperedRelease`` when it
    /// changed. An executable outside the store, or kept before digests were recorded, is not checked.
    static func verifyBeforeStart(executable: String) throws {
        let manifest = (executable as NSString).deletingLastPathComponent + "/" + manifestName
        guard let data = FileManager.default.contents(atPath: manifest),
              let kept = try? JSONDecoder().decode(KeptRelease.self, from: data),
              kept.executable == executable, let digest = kept.digest
        else { return }
        try verify(executable: executable, against: digest, what: "the digest recorded when it was kept (\(manifest))")
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
