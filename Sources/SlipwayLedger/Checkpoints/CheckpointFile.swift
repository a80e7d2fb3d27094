import Foundation
import SlipwaySystem

/// The latest signed checkpoint, kept in a file outside the database (mode 0600). It only moves
/// forward: a checkpoint of an earlier head never replaces a later one, so whoever deletes the
/// chain's tail and its checkpoints from the database still leaves this one behind.
public struct CheckpointFile: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The checkpoint in the file; nil when there is no file.
    public func read() throws -> ChainCheckpoint? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LedgerError(.configuration, "the checkpoint file \(path) cannot be read (check its owner and mode)")
        }
        do {
            return try JSONDecoder().decode(ChainCheckpoint.self, from: data)
        } catch {
            throw LedgerError(.configuration, "the checkpoint file \(path) is not a Slipway checkpoint", cause: "\(error)")
        }
    }

    /// Writes `checkpoint` unless the file already holds one of a later (or the same) head.
    public func advance(to checkpoint: ChainCheckpoint) async throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        try await FileLock.withExclusiveLock(at: path + ".lock") {
            if let current = try? read(), current.lastSeq >= checkpoint.lastSeq { return }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            let data = try encoder.encode(checkpoint)
            let temporary = path + ".tmp"
            try? FileManager.default.removeItem(atPath: temporary)
            guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw LedgerError(.configuration, "cannot write the checkpoint file \(temporary)")
            }
            guard rename(temporary, path) == 0 else {
                throw LedgerError(.configuration, "cannot replace the checkpoint file \(path)", cause: String(cString: strerror(errno)))
            }
        }
    }
}
