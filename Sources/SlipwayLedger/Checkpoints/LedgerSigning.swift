import Foundation

/// How a ledger signs what it appends: the key, and the file outside the database where the
/// latest checkpoint is also kept (so that deleting the tail of the chain together with the
/// checkpoints that cover it is still caught).
public struct LedgerSigning: Sendable {
    public var key: LedgerSigningKey
    /// Where the latest checkpoint is written after each commit; nil keeps it only in the database.
    public var checkpointFile: String?

    public init(key: LedgerSigningKey, checkpointFile: String?) {
        self.key = key
        self.checkpointFile = checkpointFile
    }

    /// The default places under a state directory: `<state>/ledger-signing.key` and
    /// `<state>/ledger-checkpoint.json`.
    public static func defaultKeyPath(stateDirectory: String) -> String { stateDirectory + "/ledger-signing.key" }
    public static func defaultCheckpointPath(stateDirectory: String) -> String { stateDirectory + "/ledger-checkpoint.json" }

    /// The key and checkpoint file at their default places under `stateDirectory`, the key made when missing.
    public static func inStateDirectory(_ stateDirectory: String) throws -> LedgerSigning {
        LedgerSigning(
            key: try LedgerSigningKey.loadOrCreate(at: defaultKeyPath(stateDirectory: stateDirectory)),
            checkpointFile: defaultCheckpointPath(stateDirectory: stateDirectory)
        )
    }
}
