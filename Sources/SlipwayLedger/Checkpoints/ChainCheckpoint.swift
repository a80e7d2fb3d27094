import Foundation

/// A signed statement that events `firstSeq…lastSeq` were appended by a holder of the signing
/// key and that the chain then ended at `lastSeq` with hash `headHash`. The runner writes one in
/// the same transaction as the events it appended, so every event it wrote is covered by one;
/// an event no checkpoint covers was written without the key (by SQL), and a checkpoint whose
/// head is no longer in the chain proves the chain was cut short or re-hashed.
///
/// The signed message is versioned text, one field a line, each line ended by `\n`:
///
///     slipway-checkpoint-v1
///     first_seq:<decimal>
///     last_seq:<decimal>
///     head:<64 hex>
///     signed_at_us:<decimal>
///     key:<key id>
public struct ChainCheckpoint: Sendable, Equatable, Codable {
    /// The row's id in `checkpoints` (nil before it is stored).
    public var id: Int64?
    public var firstSeq: Int64
    public var lastSeq: Int64
    public var headHash: String
    public var signedAtMicros: Int64
    /// ``LedgerPublicKey/id`` of the key that signed it.
    public var keyID: String
    /// The Ed25519 signature of ``message``, base64.
    public var signature: String

    public var signedAt: Date { Date(timeIntervalSince1970: Double(signedAtMicros) / 1_000_000) }

    public var message: Data {
        ChainCheckpoint.message(firstSeq: firstSeq, lastSeq: lastSeq, headHash: headHash, signedAtMicros: signedAtMicros, keyID: keyID)
    }

    static func message(firstSeq: Int64, lastSeq: Int64, headHash: String, signedAtMicros: Int64, keyID: String) -> Data {
        Data("""
            slipway-checkpoint-v1
            first_seq:\(firstSeq)
            last_seq:\(lastSeq)
            head:\(headHash)
            signed_at_us:\(signedAtMicros)
            key:\(keyID)

            """.utf8)
    }

    /// Signs a checkpoint of events `firstSeq…lastSeq`, the last with hash `headHash`.
    static func sign(firstSeq: Int64, lastSeq: Int64, headHash: String, at date: Date, with key: LedgerSigningKey) throws -> ChainCheckpoint {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
        let keyID = key.publicKey.id
        let signature = try key.sign(message(firstSeq: firstSeq, lastSeq: lastSeq, headHash: headHash, signedAtMicros: micros, keyID: keyID))
        return ChainCheckpoint(
            id: nil, firstSeq: firstSeq, lastSeq: lastSeq, headHash: headHash, signedAtMicros: micros, keyID: keyID,
            signature: signature.base64EncodedString()
        )
    }

    /// Whether `key` signed exactly this checkpoint.
    public func isSigned(by key: LedgerPublicKey) -> Bool {
        guard keyID == key.id, let raw = Data(base64Encoded: signature) else { return false }
        return key.isValidSignature(raw, for: message)
    }

    /// How a message names it: `checkpoint 12 (events 40–42, head 3f2a…, signed 2026-12-04T18:00:00Z)`.
    public var label: String {
        let stamp = ISO8601DateFormatter().string(from: signedAt)
        let which = id.map { "checkpoint \($0)" } ?? "checkpoint"
        let events = firstSeq == lastSeq ? "event \(lastSeq)" : "events \(firstSeq)–\(lastSeq)"
        return "\(which) (\(events), head \(headHash.prefix(12))…, signed \(stamp) by key \(keyID))"
    }
}
