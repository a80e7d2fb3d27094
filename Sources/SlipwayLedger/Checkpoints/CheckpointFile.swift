import Foundation
import SlipwaySystem

/// The latest signed checkpoint of each ledger, kept in a file outside the database (mode 0600).
/// A ledger is named by where its database is (``DatabaseConfiguration/ledgerName``), so one
/// state directory can serve several databases. A ledger's entry only moves forward: a
/// checkpoint of an earlier head never replaces a later one, so whoever deletes the chain's tail
/// and its checkpoints from the database still leaves this one behind.
public struct CheckpointFile: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    struct Contents: Codable {
        var ledgers: [String: ChainCheckpoint]
    }

    /// The checkpoint kept for `ledger`; nil when the file or the entry is missing.
    public func read(ledger: String) throws -> ChainCheckpoint? {
        try contents()?.ledgers[ledger]
    }

    func contents() throws -> Contents? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LedgerError(.configuration, "the checkpoint file \(path) cannot be read (check its owner and mode)")
        }
        do {
            return try JSONDecoder().decode(Contents.self, from: data)
        } catch {
            throw LedgerError(.configuration, "the checkpoint file \(path) is not a Slipway checkpoint file", cause: "\(error)")
        }
    }

    /// Keeps `checkpoint` for `ledger` unless the file already holds one of a later (or the same) head.
    public func advance(ledger: String, to checkpoint: ChainCheckpoint) async throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        try await FileLock.withExclusiveLock(at: path + ".lock") {
            var contents = (try? self.contents()) ?? Contents(ledgers: [:])
            if let current = contents.ledgers[ledger], current.lastSeq >= checkpoint.lastSeq { return }
            contents.ledgers[ledger] = checkpoint
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            let data = try encoder.encode(contents)
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

extension DatabaseConfiguration {
    /// The ledger's name in a checkpoint file: where its database is, without the user (the
    /// owner and the runtime role reach the same ledger), e.g. `127.0.0.1:5432/slipway`.
    public var ledgerName: String {
        "\(socketDirectory ?? host):\(port)/\(database)"
    }
}
