import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTestSupport

/// What someone with only the database's password can write: rows, and events chained onto the
/// head with correct hashes, but no checkpoint signed with the ledger's key.
enum Forgery {
    /// Appends an event by SQL after the chain's head; returns its seq.
    @discardableResult
    static func appendEvent(
        _ ledger: Ledger, on configuration: DatabaseConfiguration, actor: String = "mallory", kind: String, subject: String,
        payload: JSONValue
    ) async throws -> Int64 {
        let head = try await ledger.events(afterSeq: 0, limit: 100_000).last
        let text = EventChain.canonicalJSON(payload)
        let seq = (head?.seq ?? 0) + 1
        let previous = head?.hash ?? EventChain.genesisHash
        let micros = (head?.occurredAtMicros ?? 0) + 1
        let hash = EventChain.hash(
            previous: previous, seq: seq, occurredAtMicros: micros, actor: actor, kind: kind, subject: subject, payload: text
        )
        try await TestDatabase.execute("""
            INSERT INTO events (seq, occurred_at_us, actor, kind, subject, payload, prev_hash, hash)
            VALUES (\(seq), \(micros), \(literal(actor)), \(literal(kind)), \(literal(subject)), \(literal(text)), '\(previous)', '\(hash)')
            """, on: configuration)
        return seq
    }

    /// `text` as an SQL string literal (test statements only; Slipway binds its parameters).
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// A signing key and checkpoint file in a fresh temporary directory.
    static func signing() throws -> (LedgerSigning, TemporaryDirectory) {
        let scratch = try TemporaryDirectory()
        return (LedgerSigning(key: .generate(), checkpointFile: scratch.path("checkpoint.json")), scratch)
    }
}
