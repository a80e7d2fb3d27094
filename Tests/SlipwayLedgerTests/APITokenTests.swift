import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTestSupport
import Testing

@Suite("API tokens")
struct APITokenTests {
    @Test("a token is shown once and stored hashed: neither it nor its random part is anywhere in the database")
    func tokensAreHashedAtRest() async throws {
        try await withTestLedger { ledger, configuration in
            let issued = try await ledger.transaction { tx in
                try await tx.createToken(user: "grace", groups: ["release-managers", "sre", "sre"], expiresAt: nil, actor: "admin")
            }
            #expect(issued.token.hasPrefix("slw_") && issued.token.count == APITokenSecret.length)
            #expect(APITokenSecret.isWellFormed(issued.token))
            #expect(issued.record.groups == ["release-managers", "sre"])
            let secret = String(issued.token.dropFirst(4))
            let tables = try await TestDatabase.column(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1", on: configuration
            ).compactMap { $0 }
            #expect(tables.contains("api_tokens") && tables.contains("events"))
            for table in tables {
                let rows = try await TestDatabase.column("SELECT t::text FROM \(table) t", on: configuration).compactMap { $0 }
                #expect(!rows.contains { $0.contains(secret) }, "the token is in \(table)")
            }
            let stored = try await TestDatabase.column("SELECT token_sha256 FROM api_tokens", on: configuration)
            #expect(stored.count == 1 && stored[0]?.count == 64 && stored[0] != issued.token)
            // Two tokens are never the same.
            let other = try await ledger.transaction { tx in try await tx.createToken(user: "grace", groups: [], expiresAt: nil, actor: "admin") }
            #expect(other.token != issued.token)
        }
    }

    @Test("a token authenticates as its user and groups and notes its use; unknown, malformed, revoked and expired ones are refused, saying which")
    func authentication() async throws {
        let clock = ManualClock()
        try await withTestLedger(clock: clock) { ledger, _ in
            let issued = try await ledger.transaction { tx in
                try await tx.createToken(user: "grace", groups: ["release-managers"], expiresAt: clock.now.addingTimeInterval(3600), actor: "admin")
            }
            let caller = try await ledger.transaction { tx in try await tx.authenticate(token: issued.token + "\n") }
            #expect(caller.user == "grace" && caller.groups == ["release-managers"] && caller.lastUsedAt == clock.now)

            func refusal(_ token: String) async -> LedgerError? {
                await Self.refusal(of: token, in: ledger)
            }
            var unknown = Array(issued.token)
            unknown[10] = unknown[10] == "A" ? "B" : "A"
            #expect(await refusal(String(unknown))?.message == "the token is not known to this ledger")
            #expect(await refusal("grace")?.message == "that is not a Slipway token (one starts with slw_ and has 47 characters)")
            #expect(await refusal("slw_" + String(repeating: "!", count: 43))?.code == .unauthenticated)

            clock.advance(by: 3600)
            let expired = await refusal(issued.token)
            #expect(expired?.code == .unauthenticated)
            #expect(expired?.message.hasPrefix("token \(issued.record.id) (grace) expired on ") == true, "\(String(describing: expired))")

            let fresh = try await ledger.transaction { tx in try await tx.createToken(user: "linus", groups: [], expiresAt: nil, actor: "admin") }
            let revoked = try await ledger.transaction { tx in try await tx.revokeToken(id: fresh.record.id, actor: "admin") }
            #expect(revoked.revokedAt == clock.now && revoked.revokedBy == "admin")
            let again = try await ledger.transaction { tx in try await tx.revokeToken(id: fresh.record.id, actor: "someone-else") }
            #expect(again.revokedBy == "admin", "revoking twice changes nothing")
            #expect(await refusal(fresh.token)?.message.contains("was revoked on") == true)
            await #expect(throws: LedgerError.self) {
                try await ledger.transaction { tx in try await tx.revokeToken(id: 999, actor: "admin") }
            }

            let listed = try await ledger.transaction { tx in try await tx.tokens() }
            #expect(listed.map(\.user) == ["linus", "grace"])
            #expect(listed.map { $0.state(at: clock.now) } == ["revoked", "expired"])
            let events = try await ledger.events().map(\.kind)
            #expect(events.filter { $0 == "token.created" }.count == 2)
            #expect(events.filter { $0 == "token.revoked" }.count == 1)
            #expect(try await ledger.verifyChain().isIntact)
        }
    }

    @Test("a token's use is noted to the minute: a use within a minute of the last writes nothing")
    func useIsNotedToTheMinute() async throws {
        let clock = ManualClock()
        try await withTestLedger(clock: clock) { ledger, _ in
            let issued = try await ledger.transaction { tx in
                try await tx.createToken(user: "grace", groups: ["release-managers"], expiresAt: nil, actor: "admin")
            }
            let first = try await ledger.transaction { tx in try await tx.authenticate(token: issued.token) }
            #expect(first.lastUsedAt == clock.now)
            clock.advance(by: 30)
            let soon = try await ledger.transaction { tx in try await tx.authenticate(token: issued.token) }
            #expect(soon.lastUsedAt == first.lastUsedAt)
            clock.advance(by: 31)
            let later = try await ledger.transaction { tx in try await tx.authenticate(token: issued.token) }
            #expect(later.lastUsedAt == clock.now)
            let stored = try await ledger.transaction { tx in try await tx.token(id: issued.record.id) }
            #expect(stored?.lastUsedAt == clock.now)
        }
    }

    @Test("user and group names are checked, and a token cannot expire before it exists")
    func badNames() async throws {
        try await withTestLedger { ledger, _ in
            for (user, groups) in [("", [String]()), ("grace hopper", []), ("grace'; DROP TABLE api_tokens; --", []), ("grace", ["group:sre"]), ("grace", ["a b"])] {
                await #expect(throws: LedgerError.self, "\(user) \(groups)") {
                    try await ledger.transaction { tx in try await tx.createToken(user: user, groups: groups, expiresAt: nil, actor: "admin") }
                }
            }
            await #expect(throws: LedgerError.self) {
                try await ledger.transaction { tx in try await tx.createToken(user: "grace", groups: [], expiresAt: Date(timeIntervalSince1970: 0), actor: "admin") }
            }
            let tokens = try await ledger.transaction { tx in try await tx.tokens() }
            #expect(tokens.isEmpty)
        }
    }

    /// The error authenticating `token` meets, or nil when it authenticates.
    static func refusal(of token: String, in ledger: Ledger) async -> LedgerError? {
        do {
            _ = try await ledger.transaction { tx in try await tx.authenticate(token: token) }
            return nil
        } catch {
            return error as? LedgerError
        }
    }
}
