/// What ``Ledger/verifyCheckpoints(publicKey:checkpointFile:chain:)`` found: whether every
/// signed checkpoint still matches the chain, which events no checkpoint covers, and the latest
/// checkpoint it checked.
public struct CheckpointVerification: Sendable, Equatable, Codable {
    /// Whether nothing below is a problem.
    public var ok: Bool { problems.isEmpty }
    /// The id of the key the checkpoints were checked against.
    public var keyID: String
    /// Checkpoints read from the database.
    public var checkpoints: Int64
    /// The latest checkpoint that verified (the database's or the file's, whichever is later).
    public var latest: ChainCheckpoint?
    /// Events before the first checkpoint (written before checkpoints began, or by a ledger
    /// without a key): the hash chain covers them, no signature does.
    public var eventsBeforeCheckpoints: Int64
    /// Events after the first checkpoint that no checkpoint covers: written without the key.
    public var unsignedEvents: Int64
    /// Each failure, in words that name the checkpoint or the events.
    public var problems: [String]
    /// What is worth knowing but is not a failure.
    public var notes: [String]
}
