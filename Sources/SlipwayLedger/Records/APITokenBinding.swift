import Foundation
import PostgresNIO
import SlipwayCore

/// An API token counts only as the chain records it: a `token.created` event about it (subject
/// `token/<id>`, by the row's creator, with the row's user, groups and expiry) must exist and,
/// when the ledger has its signing key, be covered by a signed checkpoint. A row inserted with
/// only the database's password — with the SHA-256 of a token the inserter knows — authenticates
/// no one. A `token.revoked` event revokes the token whatever `revoked_at` says (the runtime role
/// may change that column, so clearing it brings nothing back).
extension LedgerTransaction {
    /// The join that binds a token row `t` to its creation event `e`, but for the expiry
    /// (compared by ``sameExpiry(_:_:)``, as the event keeps it to the second).
    static let tokenCreationMatch = """
        e.subject = 'token/' || t.id AND e.kind = 'token.created' AND e.actor = t.created_by
        AND (e.payload::jsonb ->> 'user') = t.user_name AND (e.payload::jsonb -> 'groups') = to_jsonb(t.groups)
        """

    /// When the first `token.revoked` event about token row `t` was appended, and by whom: what
    /// ``APITokenRecord/columns`` reads when the row's own columns are empty.
    static let tokenRevocationAt = """
        (SELECT e.occurred_at FROM events e WHERE e.subject = 'token/' || t.id AND e.kind = 'token.revoked' ORDER BY e.seq LIMIT 1)
        """
    static let tokenRevocationBy = """
        (SELECT e.actor FROM events e WHERE e.subject = 'token/' || t.id AND e.kind = 'token.revoked' ORDER BY e.seq LIMIT 1)
        """

    /// Whether a creation event's `expiresAt` (ISO 8601 to the second, or nil for none) is the
    /// row's expiry.
    static func sameExpiry(_ recorded: String?, _ row: Date?) -> Bool {
        switch (recorded, row) {
        case (nil, nil): return true
        case (let recorded?, let row?):
            guard let date = ISO8601DateFormatter().date(from: recorded) else { return false }
            // The event keeps whole seconds; the row keeps microseconds.
            return abs(row.timeIntervalSince(date)) < 1
        default: return false
        }
    }

    /// Whether token `record` is bound to a `token.created` event that says what its row says
    /// and that is signed (or predates the first checkpoint).
    func isBoundToEvent(_ record: APITokenRecord) async throws -> Bool {
        var candidates: [(seq: Int64, expiresAt: String?)] = []
        for try await (seq, expiresAt) in try await query("""
            SELECT e.seq, e.payload::jsonb ->> 'expiresAt' FROM api_tokens t JOIN events e ON \(unescaped: Self.tokenCreationMatch)
            WHERE t.id = \(record.id) ORDER BY e.seq
            """).decode((Int64, String?).self) {
            candidates.append((seq, expiresAt))
        }
        for candidate in candidates where Self.sameExpiry(candidate.expiresAt, record.expiresAt) {
            if try await isSignedOrBeforeCheckpoints(seq: candidate.seq) { return true }
        }
        return false
    }

    /// Token rows no matching `token.created` event records, oldest first, at most `limit`.
    func unboundTokens(limit: Int) async throws -> [UnboundFact] {
        var tokens: [(id: Int64, user: String, expiresAt: Date?)] = []
        var bound: Set<Int64> = []
        for try await (id, user, expiresAt, recorded, seq) in try await query("""
            SELECT t.id, t.user_name, t.expires_at, e.payload::jsonb ->> 'expiresAt', e.seq
            FROM api_tokens t LEFT JOIN events e ON \(unescaped: Self.tokenCreationMatch) ORDER BY t.id, e.seq
            """).decode((Int64, String, Date?, String?, Int64?).self) {
            if tokens.last?.id != id { tokens.append((id, user, expiresAt)) }
            if seq != nil, Self.sameExpiry(recorded, expiresAt) { bound.insert(id) }
        }
        return tokens.filter { !bound.contains($0.id) }.prefix(limit).map {
            UnboundFact(table: "api_tokens", id: $0.id, summary: "API token \($0.id) for \($0.user)")
        }
    }
}
