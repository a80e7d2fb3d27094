import Foundation
import PostgresNIO
import SlipwayCore

/// An API token as the ledger holds it: whom it speaks for and when it stops working. The
/// token itself is never here (only its SHA-256 is stored, and that is not read back).
public struct APITokenRecord: Sendable, Equatable, Codable {
    public var id: Int64
    public var user: String
    public var groups: [String]
    public var createdBy: String
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?
    public var revokedBy: String?
    public var lastUsedAt: Date?

    /// Read from `api_tokens t`. A token is revoked when its `token.revoked` event says so, even
    /// with `revoked_at` cleared by SQL.
    static let columns = """
        t.id, t.user_name, t.groups, t.created_by, t.created_at, t.expires_at,
        COALESCE(t.revoked_at, \(LedgerTransaction.tokenRevocationAt)), COALESCE(t.revoked_by, \(LedgerTransaction.tokenRevocationBy)),
        t.last_used_at
        """

    init(row: PostgresRow) throws {
        let (id, user, groups, createdBy, created, expires, revoked, revokedBy, lastUsed) = try row.decode(
            (Int64, String, [String], String, Date, Date?, Date?, String?, Date?).self
        )
        self.id = id
        self.user = user
        self.groups = groups
        self.createdBy = createdBy
        self.createdAt = created
        self.expiresAt = expires
        self.revokedAt = revoked
        self.revokedBy = revokedBy
        self.lastUsedAt = lastUsed
    }

    /// `active`, `expired` or `revoked` at `now`.
    public func state(at now: Date) -> String {
        if revokedAt != nil { return "revoked" }
        if let expiresAt, expiresAt <= now { return "expired" }
        return "active"
    }
}

/// A token just made: its record, and the token itself, to be shown once and then forgotten.
public struct IssuedAPIToken: Sendable {
    public var record: APITokenRecord
    public var token: String
}

extension LedgerError.Code {
    /// A token that is missing, malformed, unknown, expired or revoked.
    public static let unauthenticated = LedgerError.Code(name: "unauthenticated")
    /// A known person asking for something the rules do not allow them.
    public static let forbidden = LedgerError.Code(name: "forbidden")
}

extension LedgerTransaction {
    /// Makes a token for `user` in `groups`, valid until `expiresAt` (nil: until revoked).
    public func createToken(user: String, groups: [String], expiresAt: Date?, actor: String) async throws -> IssuedAPIToken {
        guard user.range(of: #"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$"#, options: .regularExpression) != nil else {
            throw LedgerError(.invalidArgument, "a user name is 1 to 100 letters, digits and . _ @ + - (starting with a letter or digit), found \"\(user)\"")
        }
        let groups = Array(Set(groups)).sorted()
        if let bad = groups.first(where: { $0.isEmpty || $0.contains(where: { $0.isWhitespace || $0 == ":" }) }) {
            throw LedgerError(.invalidArgument, "a group name has no spaces or ':' (write release-managers, not group:release-managers), found \"\(bad)\"")
        }
        let created = now()
        if let expiresAt, expiresAt <= created {
            throw LedgerError(.invalidArgument, "the token would expire before it is made")
        }
        let token = APITokenSecret.generate()
        let rows = try await query("""
            INSERT INTO api_tokens AS t (user_name, groups, token_sha256, created_by, created_at, expires_at)
            VALUES (\(user), \(groups), \(APITokenSecret.sha256Hex(token)), \(actor), \(created), \(expiresAt))
            RETURNING \(unescaped: APITokenRecord.columns)
            """)
        for try await row in rows {
            let record = try APITokenRecord(row: row)
            var payload: [String: JSONValue] = ["user": .string(user), "groups": .array(groups.map { .string($0) })]
            payload["expiresAt"] = expiresAt.map { .string(Self.iso8601($0)) } ?? .null
            try await appendEvent(NewEvent(actor: actor, kind: "token.created", subject: "token/\(record.id)", payload: .object(payload)))
            return IssuedAPIToken(record: record, token: token)
        }
        throw LedgerError(.query, "the token for \(user) was not recorded")
    }

    /// Revokes token `id` for good; revoking it again changes nothing.
    @discardableResult
    public func revokeToken(id: Int64, actor: String) async throws -> APITokenRecord {
        guard let current = try await token(id: id, locking: true) else {
            throw LedgerError(.notFound, "there is no token \(id); `slipway token list` shows them")
        }
        guard current.revokedAt == nil else { return current }
        try await query("UPDATE api_tokens SET revoked_at = \(now()), revoked_by = \(actor) WHERE id = \(id)")
        try await appendEvent(NewEvent(
            actor: actor, kind: "token.revoked", subject: "token/\(id)", payload: .object(["user": .string(current.user)])
        ))
        guard let revoked = try await token(id: id, locking: false) else {
            throw LedgerError(.notFound, "token \(id) vanished while it was revoked")
        }
        return revoked
    }

    /// Token `id`, optionally locked for the rest of the transaction.
    public func token(id: Int64, locking: Bool = false) async throws -> APITokenRecord? {
        let lock = locking ? "FOR UPDATE" : ""
        let rows = try await query("SELECT \(unescaped: APITokenRecord.columns) FROM api_tokens t WHERE t.id = \(id) \(unescaped: lock)")
        for try await row in rows { return try APITokenRecord(row: row) }
        return nil
    }

    /// Every token, newest first.
    public func tokens() async throws -> [APITokenRecord] {
        var records: [APITokenRecord] = []
        for try await row in try await query("SELECT \(unescaped: APITokenRecord.columns) FROM api_tokens t ORDER BY t.id DESC") {
            records.append(try APITokenRecord(row: row))
        }
        return records
    }

    /// Who `token` speaks for, noting that it was used. A malformed, unknown, expired or revoked
    /// token is refused with a message that says which (never repeating the token); one whose row
    /// no signed `token.created` event records counts as unknown.
    public func authenticate(token: String) async throws -> APITokenRecord {
        let token = token.trimmingCharacters(in: .whitespacesAndNewlines)
        guard APITokenSecret.isWellFormed(token) else {
            throw LedgerError(.unauthenticated, "that is not a Slipway token (one starts with slw_ and has \(APITokenSecret.length) characters)")
        }
        let hash = APITokenSecret.sha256Hex(token)
        var match: (id: Int64, stored: String)?
        for try await (id, stored) in try await query("SELECT id, token_sha256 FROM api_tokens WHERE token_sha256 = \(hash)")
            .decode((Int64, String).self) {
            match = (id, stored)
        }
        // The lookup is by hash, so its timing says nothing useful about the token; what comes
        // back is compared in constant time all the same.
        guard let match, APITokenSecret.constantTimeEqual(match.stored, hash), let record = try await self.token(id: match.id) else {
            throw LedgerError(.unauthenticated, Self.unknownToken)
        }
        // A row no `token.created` event records (inserted by SQL) is refused like an unknown
        // token: the caller learns nothing, the log says why.
        guard try await isBoundToEvent(record) else {
            logger.warning("refusing an API token that no signed token.created event records (its row was written outside Slipway)", metadata: [
                "token": "\(record.id)", "user": "\(record.user)",
            ])
            throw LedgerError(.unauthenticated, Self.unknownToken)
        }
        let current = now()
        if let revoked = record.revokedAt {
            throw LedgerError(.unauthenticated, "token \(record.id) (\(record.user)) was revoked on \(Self.iso8601(revoked)); ask for a new one")
        }
        if let expires = record.expiresAt, expires <= current {
            throw LedgerError(.unauthenticated, "token \(record.id) (\(record.user)) expired on \(Self.iso8601(expires)); ask for a new one")
        }
        // Noted to the minute: a token read from on every API request would otherwise make every
        // read a write.
        guard record.lastUsedAt.map({ current.timeIntervalSince($0) >= Self.lastUsedPrecision }) ?? true else { return record }
        try await query("UPDATE api_tokens SET last_used_at = \(current) WHERE id = \(record.id)")
        var used = record
        used.lastUsedAt = current
        return used
    }

    /// What a caller is told about a token this ledger does not know (or will not vouch for).
    static let unknownToken = "the token is not known to this ledger"

    /// How stale `last_used_at` may be before a use writes it again.
    static let lastUsedPrecision: TimeInterval = 60

    static func iso8601(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
