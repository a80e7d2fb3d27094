import Foundation
import SlipwayCore
import SlipwayTestSupport
import Testing

extension SlipwayServe {
    /// Every route that needs a caller, with JWTs, on every spelling of its path (a trailing
    /// slash, a doubled slash in front or inside): 401 without a valid one, 403 for someone the
    /// route does not let in, and the answer only for whom it does. Hummingbird's router treats
    /// empty segments as absent, so every spelling reaches the route — and its middleware.
    @Suite("OIDC on every route and spelling")
    struct OIDCRouteTests {
        /// `/api/v1/pending`, `/api/v1/pending/`, `//api/v1/pending`, `/api//v1/pending`.
        static func spellings(_ path: String) -> [String] {
            [path, path + "/", "/" + path, path.replacingOccurrences(of: "/api/v1/", with: "/api//v1/")]
        }

        @Test("reader routes (pending, runs, promotions, a promotion, export, audit/verify): 401 without a token, with an expired JWT or another provider's; 403 for a developer's JWT; 200 for an auditor's and a release manager's JWT — on every spelling")
        func readerRoutes() async throws {
            let provider = try TestIdentityProvider()
            let other = try TestIdentityProvider(name: "other")
            try await OIDCApprovalTests.with(provider) { world in
                let now = Date().timeIntervalSince1970.rounded(.down)
                let auditor = try await provider.token(user: "audrey", groups: ["auditors"])
                let manager = try await provider.token(user: "grace", groups: ["release-managers"])
                let developer = try await provider.token(user: "dave", groups: ["developers"])
                let expired = try await provider.token(user: "audrey", groups: ["auditors"], [
                    "exp": .number(now - 600), "nbf": .number(now - 7200), "iat": .number(now - 7200),
                ])
                let forged = try await other.token(TestIdentityProvider.claims(user: "audrey", groups: ["auditors"]))
                let routes = [
                    "/api/v1/pending", "/api/v1/runs", "/api/v1/promotions", "/api/v1/promotions/\(world.waiting)",
                    "/api/v1/promotions/export", "/api/v1/audit/verify",
                ]
                for route in routes {
                    for path in Self.spellings(route) {
                        let none = try await world.fixture.send(.GET, path)
                        #expect(none.status == 401 && none.code == "unauthorized", "\(path): \(none.status) \(none.body)")
                        for (label, token) in [("expired", expired), ("another provider's", forged)] {
                            let answer = try await world.fixture.send(.GET, path, headers: [("Authorization", "Bearer \(token)")])
                            #expect(answer.status == 401, "\(label) on \(path): \(answer.status) \(answer.body)")
                        }
                        let refused = try await world.fixture.send(.GET, path, headers: [("Authorization", "Bearer \(developer)")])
                        #expect(refused.status == 403 && refused.code == "forbidden", "\(path): \(refused.status) \(refused.body)")
                        #expect(refused.message.hasSuffix("dave is in the groups developers"), "\(path): \(refused.message)")
                        for token in [auditor, manager] {
                            let answer = try await world.fixture.send(.GET, path, headers: [("Authorization", "Bearer \(token)")])
                            #expect(answer.status == 200, "\(path): \(answer.status) \(answer.body)")
                        }
                    }
                }
                #expect(try await world.recordedDecisions().isEmpty)
            }
        }

        @Test("the approvals route: 401 without a token or with an expired or forged JWT, 403 for a developer's JWT, 201 for a release manager's — on every spelling")
        func approvalsRoute() async throws {
            let provider = try TestIdentityProvider()
            let other = try TestIdentityProvider(name: "other")
            try await OIDCApprovalTests.with(provider) { world in
                let now = Date().timeIntervalSince1970.rounded(.down)
                let developer = try await provider.token(user: "dave", groups: ["developers"])
                let expired = try await provider.token(user: "grace", groups: ["release-managers"], [
                    "exp": .number(now - 600), "nbf": .number(now - 7200), "iat": .number(now - 7200),
                ])
                let forged = try await other.token(TestIdentityProvider.claims(user: "grace", groups: ["release-managers"]))
                let managers = ["grace", "linus", "margaret", "ken"]
                let body = #"{"verdict": "approve"}"#
                for (path, manager) in zip(Self.spellings("/api/v1/promotions/\(world.waiting)/approvals"), managers) {
                    let none = try await world.fixture.send(.POST, path, body: body, headers: [("Content-Type", "application/json")])
                    #expect(none.status == 401, "\(path): \(none.status) \(none.body)")
                    for (label, token) in [("expired", expired), ("forged", forged)] {
                        let answer = try await world.fixture.send(.POST, path, body: body, headers: [("Authorization", "Bearer \(token)")])
                        #expect(answer.status == 401, "\(label) on \(path): \(answer.status) \(answer.body)")
                    }
                    let refused = try await world.fixture.send(.POST, path, body: body, headers: [("Authorization", "Bearer \(developer)")])
                    #expect(refused.status == 403, "\(path): \(refused.status) \(refused.body)")
                    #expect(refused.message == "\(world.what): dave is not one of the approvers (group release-managers)")
                    let token = try await provider.token(user: manager, groups: ["release-managers"])
                    let approved = try await world.fixture.send(.POST, path, body: body, headers: [("Authorization", "Bearer \(token)")])
                    #expect(approved.status == 201, "\(path): \(approved.status) \(approved.body)")
                }
                #expect(try await world.recordedDecisions() == managers.map { "\($0) approved" })
            }
        }

        @Test("the CLI with --server sends the JWT in SLIPWAY_TOKEN as it is: pending and approve work as the provider's person; without a server it says a JWT needs one")
        func cliWithJWT() async throws {
            let provider = try TestIdentityProvider()
            try await OIDCApprovalTests.with(provider) { world in
                let grace = try await provider.token(user: "grace", email: "grace@example.com", groups: ["release-managers"])
                let server = ["--server", world.fixture.baseURL]
                let pending = try SlipwayBinary.run(["pending"] + server, environment: ["SLIPWAY_TOKEN": grace])
                #expect(pending.status == 0, "\(pending.stdout)\(pending.stderr)")
                #expect(pending.stdout.contains("promotion \(world.waiting): \(ApprovalWorld.releaseID) to staging"), "\(pending.stdout)")
                let approve = try SlipwayBinary.run(["approve", String(world.waiting), "--comment", "from the CLI"] + server, environment: ["SLIPWAY_TOKEN": grace])
                #expect(approve.status == 0, "\(approve.stdout)\(approve.stderr)")
                #expect(approve.stdout.contains("approved by grace: from the CLI"), "\(approve.stdout)")
                #expect(try await OIDCApprovalTests.identities(world) == ["grace|\(TestIdentityProvider.issuer)|sub-grace-0001|grace@example.com|-"])

                let direct = try SlipwayBinary.run(
                    ["approve", String(world.waiting), "--database-url", world.fixture.database.url], environment: ["SLIPWAY_TOKEN": grace]
                )
                #expect(direct.status != 0)
                #expect(direct.stderr.contains("that token is a JWT from an identity provider, which only `slipway serve` checks: pass --server URL"), "\(direct.stderr)")
                #expect(!direct.stderr.contains(grace) && !approve.stdout.contains(grace))
            }
        }
    }
}
