import Foundation
import SlipwayCore
@testable import SlipwayLedger
import SlipwayTestSupport
import Testing

/// A token signs in only as the chain records it: a row written with the database's password
/// speaks for no one, and a revocation holds whatever the row's column says.
@Suite("API tokens bound to their events")
struct APITokenBindingTests {
    /// A token the forger made up, and the SHA-256 the row needs for it.
    static let forgedToken = APITokenSecret.prefix + String(repeating: "M", count: 43)

    static func insertTokenBySQL(id: Int64, user: String, on configuration: DatabaseConfiguration) async throws {
        try await TestDatabase.execute("""
            INSERT INTO api_tokens (id, user_name, groups, token_sha256, created_by, created_at)
            VALUES (\(id), '\(user)', '{release-managers}', '\(APITokenSecret.sha256Hex(forgedToken))', 'admin', now())
            """, on: configuration)
    }

    static func refusal(_ token: String, in ledger: Ledger) async -> LedgerError? {
        do {
            _ = try await ledger.transaction { tx in try await tx.authenticate(token: token) }
            return nil
        } catch let error as LedgerError {
            return error
        } catch {
            return LedgerError(.query, "unexpected: \(error)")
        }
    }

    @Test("an api_tokens row inserted by SQL authenticates no one, even with a well-chained unsigned token.created event; audit lists it")
    func insertedTokenRefused() async throws {
        let (signing, _) = try Forgery.signing()
        try await withTestLedger(signing: signing) { ledger, configuration in
            let real = try await ledger.transaction { tx in
                try await tx.createToken(user: "grace", groups: ["release-managers"], expiresAt: nil, actor: "admin")
            }
            #expect(try await ledger.transaction { tx in try await tx.authenticate(token: real.token) }.user == "grace")

            try await Self.insertTokenBySQL(id: 100, user: "mallory", on: configuration)
            let refused = await Self.refusal(Self.forgedToken, in: ledger)
            #expect(refused?.code == .unauthenticated)
            // Told like an unknown token: the caller learns nothing about why.
            #expect(refused?.message == "the token is not known to this ledger")
            #expect(try await ledger.unboundFacts().map(\.table) == ["api_tokens"])
            #expect(try await ledger.unboundFacts().first?.summary == "API token 100 for mallory")

            // The event the row lacks, chained correctly but signed by no checkpoint.
            try await Forgery.appendEvent(
                ledger, on: configuration, actor: "admin", kind: "token.created", subject: "token/100",
                payload: .object(["user": .string("mallory"), "groups": .array([.string("release-managers")]), "expiresAt": .null])
            )
            #expect(try await ledger.unboundFacts().isEmpty, "bound by the chain; only the checkpoints show the event is foreign")
            #expect(await Self.refusal(Self.forgedToken, in: ledger)?.message == "the token is not known to this ledger")
            #expect(try await ledger.transaction { tx in try await tx.authenticate(token: real.token) }.user == "grace")
        }
    }

    @Test("a row whose groups or expiry differ from its token.created event is refused")
    func changedRowRefused() async throws {
        try await withTestLedger { ledger, configuration in
            let grace = try await ledger.transaction { tx in
                try await tx.createToken(user: "grace", groups: ["developers"], expiresAt: Date().addingTimeInterval(3600), actor: "admin")
            }
            try await TestDatabase.execute("UPDATE api_tokens SET groups = '{developers,release-managers}'", on: configuration)
            #expect(await Self.refusal(grace.token, in: ledger)?.message == "the token is not known to this ledger")
            try await TestDatabase.execute("UPDATE api_tokens SET groups = '{developers}', expires_at = expires_at + interval '1 year'", on: configuration)
            #expect(await Self.refusal(grace.token, in: ledger)?.message == "the token is not known to this ledger")
            #expect(try await ledger.unboundFacts().map(\.id) == [grace.record.id])
            try await TestDatabase.execute("UPDATE api_tokens SET expires_at = expires_at - interval '1 year'", on: configuration)
            #expect(try await ledger.transaction { tx in try await tx.authenticate(token: grace.token) }.groups == ["developers"])
        }
    }

    @Test("clearing revoked_at by SQL does not bring a revoked token back: its token.revoked event still revokes it")
    func revocationHolds() async throws {
        try await withTestLedger { ledger, configuration in
            let linus = try await ledger.transaction { tx in
                try await tx.createToken(user: "linus", groups: ["release-managers"], expiresAt: nil, actor: "admin")
            }
            try await ledger.transaction { tx in try await tx.revokeToken(id: linus.record.id, actor: "admin") }
            // What the runtime role may do: its grants include the revocation columns.
            try await TestDatabase.execute("UPDATE api_tokens SET revoked_at = NULL, revoked_by = NULL", on: configuration)
            let refused = await Self.refusal(linus.token, in: ledger)
            #expect(refused?.code == .unauthenticated)
            #expect(refused?.message.hasPrefix("token \(linus.record.id) (linus) was revoked on ") == true, "\(String(describing: refused))")
            let record = try #require(try await ledger.transaction { tx in try await tx.token(id: linus.record.id) })
            #expect(record.state(at: Date()) == "revoked" && record.revokedBy == "admin")
        }
    }
}
