import Crypto
import Foundation
import SlipwayCore
import SlipwaySystem

/// The hash chain over the event log. Each event's hash is
/// `SHA-256(prev_hash ‖ canonical(event))`, hex-encoded; the first event's
/// `prev_hash` is 64 zeros. Changing, inserting or removing any row breaks
/// every hash after it.
///
/// The canonical form is versioned and length-prefixed, so no two different
/// rows encode to the same bytes:
///
///     slipway-event-v1
///     seq:<decimal>
///     occurred_at_us:<decimal>
///     actor:<utf8 byte count>:<actor>
///     kind:<utf8 byte count>:<kind>
///     subject:<utf8 byte count>:<subject>
///     payload:<utf8 byte count>:<payload>
///
/// with each line ended by `\n`. The payload is the JSON text exactly as stored
/// (written with sorted keys by `EventChain.canonicalJSON`).
public enum EventChain {
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The key of the advisory lock that serialises appends, so the chain has no forks.
    static let appendLockKey: Int64 = 0x534C_4950_4556_4E54 // "SLIPEVNT"

    public static func canonicalEncoding(
        seq: Int64, occurredAtMicros: Int64, actor: String, kind: String, subject: String, payload: String
    ) -> Data {
        var text = "slipway-event-v1\n"
        text += "seq:\(seq)\n"
        text += "occurred_at_us:\(occurredAtMicros)\n"
        for (name, value) in [("actor", actor), ("kind", kind), ("subject", subject), ("payload", payload)] {
            text += "\(name):\(value.utf8.count):\(value)\n"
        }
        return Data(text.utf8)
    }

    public static func hash(
        previous: String, seq: Int64, occurredAtMicros: Int64, actor: String, kind: String, subject: String, payload: String
    ) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(previous.utf8))
        hasher.update(data: canonicalEncoding(
            seq: seq, occurredAtMicros: occurredAtMicros, actor: actor, kind: kind, subject: subject, payload: payload
        ))
        return hasher.finalize().hex
    }

    /// JSON with sorted keys and no insignificant whitespace: the same value always gives the same text.
    public static func canonicalJSON(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) else {
            return "null"
        }
        return text
    }

    /// The hash this event should have, given its stored contents.
    static func expectedHash(of event: LedgerEvent) -> String {
        hash(
            previous: event.prevHash, seq: event.seq, occurredAtMicros: event.occurredAtMicros,
            actor: event.actor, kind: event.kind, subject: event.subject, payload: event.payload
        )
    }
}
