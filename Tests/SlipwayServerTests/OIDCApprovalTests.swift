import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwaySystem
import SlipwayTestSupport
import Testing

extension SlipwayServe {
    /// Bearer JWTs from an identity provider (``TestIdentityProvider``: real RSA and P-256 keys
    /// made in the test) at a real `slipway serve` started with `--oidc-*`, against a promotion
    /// waiting at staging's gate (``ApprovalWorld``): what is accepted, every forgery refused,
    /// and what the ledger records.
    @Suite("OIDC bearer tokens")
    struct OIDCApprovalTests {
        /// Starts a serve trusting `provider` (its JWKS in a file), plus `arguments`.
        static func with(
            _ provider: TestIdentityProvider, arguments: [String] = [], _ body: (ApprovalWorld) async throws -> Void
        ) async throws {
            let directory = try TemporaryDirectory(prefix: "oidc")
            let jwks = directory.path("jwks.json")
            try provider.writeJWKS(to: jwks)
            try await ApprovalWorld.with(arguments: [
                "--oidc-issuer", TestIdentityProvider.issuer, "--oidc-audience", TestIdentityProvider.audience, "--oidc-jwks", jwks,
            ] + arguments, body)
        }

        /// `approver|issuer|subject|email|token_id` of every recorded decision.
        static func identities(_ world: ApprovalWorld) async throws -> [String] {
            try await TestDatabase.column("""
                SELECT approver || '|' || coalesce(issuer, '-') || '|' || coalesce(subject, '-') || '|' || coalesce(email, '-')
                       || '|' || coalesce(token_id::text, '-')
                FROM approvals ORDER BY id
                """, on: world.fixture.database).compactMap { $0 }
        }

        /// `kind|user|issuer|subject|token` of every approval event's payload.
        static func eventIdentities(_ world: ApprovalWorld) async throws -> [String] {
            try await TestDatabase.column("""
                SELECT kind || '|' || (payload::jsonb ->> 'user') || '|' || coalesce(payload::jsonb ->> 'issuer', '-') || '|'
                       || coalesce(payload::jsonb ->> 'subject', '-') || '|' || coalesce(payload::jsonb ->> 'token', '-')
                FROM events WHERE kind LIKE 'approval.%' ORDER BY seq
                """, on: world.fixture.database).compactMap { $0 }
        }

        @Test("a release manager's JWT (RS256, and ES256) approves: 201, and the approval row and its event record the issuer and subject; an API token still works beside it; the chain verifies")
        func jwtApproves() async throws {
            let provider = try TestIdentityProvider()
            try await Self.with(provider) { world in
                let issuer = TestIdentityProvider.issuer
                let grace = try await provider.token(user: "grace", email: "grace@example.com", groups: ["release-managers"])
                let answer = try await world.decide(#"{"verdict": "approve", "comment": "canary looks fine"}"#, as: grace)
                #expect(answer.status == 201, "\(answer.body)")
                let approval = try #require(try answer.json()["approval"] as? [String: Any], "\(answer.body)")
                #expect(approval["user"] as? String == "grace" && approval["groups"] as? [String] == ["release-managers"])
                #expect(approval["issuer"] as? String == issuer && approval["subject"] as? String == "sub-grace-0001", "\(answer.body)")
                #expect(approval["email"] as? String == "grace@example.com")
                #expect(approval["tokenID"] == nil, "a JWT's decision names no API token: \(answer.body)")
                let gate = try #require(try answer.json()["gate"] as? [String: Any])
                // Counted: the gate counts only approvals bound to their event.
                #expect((gate["summary"] as? String)?.hasSuffix("approvals: 1 of 2 (needs group release-managers); grace approved") == true, "\(gate)")

                let linus = try await provider.token(
                    TestIdentityProvider.claims(user: "linus", groups: ["release-managers"]), algorithm: .es256
                )
                let second = try await world.decide(#"{"verdict": "approve"}"#, as: linus)
                #expect(second.status == 201, "\(second.body)")
                let sam = try await world.token("sam", ["sre-oncall"])
                let glass = try await world.decide(#"{"verdict": "approve", "breakGlassReason": "CVE fix"}"#, as: sam)
                #expect(glass.status == 201, "\(glass.body)")
                #expect((try glass.json()["gate"] as? [String: Any])?["state"] as? String == "open", "\(glass.body)")

                let tokenID = try #require(try await TestDatabase.column("SELECT id::text FROM api_tokens WHERE user_name = 'sam'", on: world.fixture.database).first ?? nil)
                #expect(try await Self.identities(world) == [
                    "grace|\(issuer)|sub-grace-0001|grace@example.com|-", "linus|\(issuer)|sub-linus-0001|-|-", "sam|-|-|-|\(tokenID)",
                ])
                #expect(try await Self.eventIdentities(world) == [
                    "approval.approved|grace|\(issuer)|sub-grace-0001|-", "approval.approved|linus|\(issuer)|sub-linus-0001|-",
                    "approval.break_glass|sam|-|-|\(tokenID)",
                ])
                let pending = try await world.pending(token: grace)
                #expect(pending.status == 200, "a release manager's JWT reads the pending gates: \(pending.body)")

                let verify = try SlipwayBinary.run(["audit", "verify", "--database-url", world.fixture.database.url, "--state-dir", world.fixture.state.path])
                #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
                #expect(!world.fixture.server.output.contains(grace) && !world.fixture.server.output.contains(linus), "a JWT was logged")
            }
        }

        @Test("forged and stale JWTs are refused 401 saying why, on the approvals and pending routes: expired, not yet valid, no expiry, wrong audience, wrong issuer, another provider's key, alg none, HS256 keyed with the public key, a tampered payload, an unknown key; nothing is recorded")
        func refusedTokens() async throws {
            let provider = try TestIdentityProvider()
            let other = try TestIdentityProvider(name: "other")
            try await Self.with(provider) { world in
                let now = Date().timeIntervalSince1970.rounded(.down)
                func grace(_ changes: [String: JSONValue]) -> [String: JSONValue] {
                    TestIdentityProvider.claims(user: "grace", groups: ["release-managers"], changes)
                }
                let valid = try await provider.token(grace([:]))
                let parts = valid.split(separator: ".").map(String.init)
                let elevated = TestIdentityProvider.base64URL(try JSONEncoder().encode(grace(["preferred_username": .string("root")])))
                // Signed by the other provider's key, but claiming this provider's key id.
                let otherKey = try await other.token(grace([:]))
                let otherParts = otherKey.split(separator: ".").map(String.init)
                let header = TestIdentityProvider.base64URL(try JSONEncoder().encode(["alg": "RS256", "typ": "JWT", "kid": provider.rsaKid]))
                let cases: [(String, String, String)] = [
                    ("expired", try await provider.token(grace(["exp": .number(now - 3600), "iat": .number(now - 7200), "nbf": .number(now - 7200)])), "the JWT expired at "),
                    ("not yet valid", try await provider.token(grace(["nbf": .number(now + 3600)])), "the JWT is not valid before "),
                    ("no expiry", try await provider.token(grace(["exp": .null])), "the JWT has no expiry (exp)"),
                    ("wrong audience", try await provider.token(grace(["aud": .array([.string("grafana"), .string("vault")])])), "the JWT is for the audience grafana, vault, not for this server (slipway)"),
                    ("wrong issuer", try await provider.token(grace(["iss": .string("https://evil.example")])), "the JWT was issued by https://evil.example, not by the identity provider this server trusts (\(TestIdentityProvider.issuer))"),
                    ("another key", header + "." + otherParts[1] + "." + otherParts[2], "the JWT's signature does not verify with key \(provider.rsaKid)"),
                    ("another key, its own kid", otherKey, "the token was signed with key other-rsa-1, which the identity provider's JWKS"),
                    ("alg none", try TestIdentityProvider.unsigned(grace([:]), kid: provider.rsaKid), "the JWT is unsigned (alg none)"),
                    ("HS256 keyed with the public key", try TestIdentityProvider.hmacSigned(grace([:]), kid: provider.rsaKid, secret: Data(provider.rsa.publicKey.pemRepresentation.utf8)), "the JWT is signed with HS256; accepted are "),
                    ("tampered payload", parts[0] + "." + elevated + "." + parts[2], "the JWT's signature does not verify with key \(provider.rsaKid)"),
                    ("garbage header", "eyJub3QganNvbg." + parts[1] + "." + parts[2], "the JWT's header is not base64url-encoded JSON"),
                ]
                for (label, token, message) in cases {
                    let decide = try await world.decide(#"{"verdict": "approve"}"#, as: token)
                    let pending = try await world.pending(token: token)
                    for answer in [decide, pending] {
                        #expect(answer.status == 401 && answer.code == "unauthorized", "\(label): \(answer.body)")
                        #expect(answer.message.hasPrefix(message), "\(label): \(answer.message)")
                    }
                }
                #expect(try await world.recordedDecisions().isEmpty, "a refused JWT recorded a decision")
                // The valid one is fine, so the refusals above were for what each case changed.
                #expect(try await world.decide(#"{"verdict": "approve"}"#, as: valid).status == 201)
            }
        }

        @Test("the groups claim decides: with --oidc-groups-claim realm_access.roles (from SLIPWAY_OIDC_* variables) a release manager there approves 201, a top-level groups claim counts for nothing (403), no groups is 403 on /pending")
        func groupsClaim() async throws {
            let provider = try TestIdentityProvider()
            let directory = try TemporaryDirectory(prefix: "oidc")
            let jwks = directory.path("jwks.json")
            try provider.writeJWKS(to: jwks)
            try await ServeFixture.with(environment: [
                "SLIPWAY_OIDC_ISSUER=\(TestIdentityProvider.issuer)", "SLIPWAY_OIDC_AUDIENCE=\(TestIdentityProvider.audience)",
                "SLIPWAY_OIDC_JWKS=\(jwks)", "SLIPWAY_OIDC_GROUPS_CLAIM=realm_access.roles", "SLIPWAY_OIDC_USER_CLAIM=nickname",
            ], waitForFirstRun: false) { fixture in
                let world = try await ApprovalWorld.seed(in: fixture)
                let margaret = try await provider.token(user: "margaret-idp", groups: ["devs"], [
                    "realm_access": .object(["roles": .array([.string("release-managers")])]), "nickname": .string("margaret"),
                ])
                let mallory = try await provider.token(user: "mallory", groups: ["release-managers"], [
                    "realm_access": .object(["roles": .array([.string("devs")])]), "nickname": .string("mallory"),
                ])
                let nobody = try await provider.token(user: "nobody", groups: [])
                let refused = try await world.decide(#"{"verdict": "approve"}"#, as: mallory)
                #expect(refused.status == 403, "\(refused.body)")
                #expect(refused.message == "\(world.what): mallory is not one of the approvers (group release-managers)")
                let approved = try await world.decide(#"{"verdict": "approve"}"#, as: margaret)
                #expect(approved.status == 201, "\(approved.body)")
                #expect((try approved.json()["approval"] as? [String: Any])?["user"] as? String == "margaret", "the user claim is nickname: \(approved.body)")
                let reader = try await world.pending(token: nobody)
                #expect(reader.status == 403, "\(reader.body)")
                #expect(reader.message.hasSuffix("sub-nobody-0001 is in no group"), "no nickname: the user falls back to sub: \(reader.message)")
                #expect(try await world.recordedDecisions() == ["margaret approved"])
            }
        }

        @Test("forbidSelfApproval compares the JWT's verified email: a user whose provider name is not the git name but whose email is the commit author's is refused; an unverified email does not count as theirs")
        func selfApprovalByEmail() async throws {
            let provider = try TestIdentityProvider()
            try await Self.with(provider) { world in
                let ada = try await provider.token(user: "a.lovelace", email: "ada@example.com", groups: ["release-managers"])
                let refused = try await world.decide(#"{"verdict": "approve"}"#, as: ada)
                #expect(refused.status == 403, "\(refused.body)")
                #expect(refused.message == "\(world.what): a.lovelace may not approve this release: a.lovelace wrote the commit (the approval policy forbids self-approval)")
                #expect(try await world.recordedDecisions().isEmpty)
                // The same person's API token, named like the git author, is refused as before.
                let token = try await world.token("ada", ["release-managers"])
                #expect(try await world.decide(#"{"verdict": "approve"}"#, as: token).status == 403)
                let unverified = try await provider.token(
                    user: "someone", email: "ada@example.com", groups: ["release-managers"], ["email_verified": .bool(false)]
                )
                let counted = try await world.decide(#"{"verdict": "approve"}"#, as: unverified)
                #expect(counted.status == 201, "\(counted.body)")
                #expect((try counted.json()["approval"] as? [String: Any])?["email"] == nil, "an unverified email is not recorded as theirs")
            }
        }

        @Test("a JWKS URL that cannot be fetched: every JWT is refused 401 with the reason, the server logs it, nothing is approved; API tokens still work")
        func unreachableJWKS() async throws {
            let provider = try TestIdentityProvider()
            let port = try LoopbackPort.free()
            let url = "http://127.0.0.1:\(port)/jwks"
            try await ApprovalWorld.with(arguments: [
                "--oidc-issuer", TestIdentityProvider.issuer, "--oidc-audience", TestIdentityProvider.audience, "--oidc-jwks", url,
            ]) { world in
                let grace = try await provider.token(user: "grace", groups: ["release-managers"])
                for _ in 0..<2 {
                    let answer = try await world.decide(#"{"verdict": "approve"}"#, as: grace)
                    #expect(answer.status == 401 && answer.code == "unauthorized", "\(answer.body)")
                    #expect(answer.message.hasPrefix("the identity provider's keys cannot be read (cannot fetch the JWKS from \(url): "), "\(answer.message)")
                    #expect(answer.message.hasSuffix("so no JWT can be checked; nothing was done"), "\(answer.message)")
                }
                #expect(try await world.recordedDecisions().isEmpty)
                let logged = try await ServeFixture.eventually { world.fixture.server.output.contains("cannot read the identity provider's keys") }
                #expect(logged, "\(world.fixture.server.output)")
                let linus = try await world.token("linus", ["release-managers"])
                #expect(try await world.decide(#"{"verdict": "approve"}"#, as: linus).status == 201)
            }
        }

        @Test("a JWKS URL served over HTTP is fetched once and cached; a token naming an unknown key does not fetch it again within a minute")
        func jwksOverHTTP() async throws {
            let provider = try TestIdentityProvider()
            let other = try TestIdentityProvider(name: "other")
            let jwks = try provider.jwks()
            try await TestIdentityProvider.serveJWKS({ jwks }) { url, requests in
                try await ApprovalWorld.with(arguments: [
                    "--oidc-issuer", TestIdentityProvider.issuer, "--oidc-audience", TestIdentityProvider.audience, "--oidc-jwks", url,
                ]) { world in
                    let grace = try await provider.token(user: "grace", groups: ["release-managers"])
                    #expect(try await world.pending(token: grace).status == 200)
                    let answer = try await world.decide(#"{"verdict": "approve"}"#, as: grace)
                    #expect(answer.status == 201, "\(answer.body)")
                    #expect(requests.count == 1, "fetched \(requests.count) times")
                    let stranger = try await other.token(TestIdentityProvider.claims(user: "eve", groups: ["release-managers"]))
                    for _ in 0..<3 {
                        let refused = try await world.decide(#"{"verdict": "approve"}"#, as: stranger)
                        #expect(refused.status == 401, "\(refused.body)")
                    }
                    #expect(requests.count == 1, "unknown key ids made it fetch \(requests.count) times")
                }
            }
        }
    }
}
