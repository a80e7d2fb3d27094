import Foundation
import SlipwayCore
import SlipwayTestSupport
import Testing

extension SlipwayServe {
    /// Signing in to the web page with the identity provider's JWT, pasted into the sign-in form.
    @Suite("OIDC web sign-in")
    struct OIDCWebTests {
        @Test("a JWT pasted into the sign-in form starts a session that ends with the token (not the 8 h default); the cookie is not the JWT; a decision from the page records the issuer and subject; sign-out ends it; an expired JWT is refused")
        func signInWithJWT() async throws {
            let provider = try TestIdentityProvider()
            try await OIDCApprovalTests.with(provider) { world in
                let base = world.fixture.baseURL
                let now = Date().timeIntervalSince1970.rounded(.down)
                let jwt = try await provider.token(TestIdentityProvider.claims(
                    user: "grace", email: "grace@example.com", groups: ["release-managers"], ["exp": .number(now + 600)]
                ))
                let form = try await WebPageTests.signInForm(base)
                let signedIn = try await WebPageTests.request(.POST, base + "/ui/login", cookies: [form.cookie], form: [("csrf", form.field), ("token", jwt)])
                #expect(signedIn.status == 303, "\(signedIn.body)")
                for set in signedIn.cookies {
                    #expect(!set.contains(jwt) && !set.contains(jwt.split(separator: ".")[2]), "the JWT is in a cookie: \(set)")
                }
                let cookie = try #require(signedIn.cookie)
                let maxAge = cookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                    .first { $0.hasPrefix("Max-Age=") }.flatMap { Int($0.dropFirst("Max-Age=".count)) }
                #expect(maxAge.map { $0 > 500 && $0 <= 600 } == true, "the session ends when the JWT does: \(cookie)")
                let session = try #require(signedIn.session)

                let page = try await WebPageTests.request(.GET, base + "/ui/pending", session: session)
                #expect(page.status == 200, "\(page.body)")
                #expect(page.body.contains("grace"), "signed in as grace")
                let csrf = try #require(WebPageTests.csrf(in: page))
                let decided = try await WebPageTests.request(
                    .POST, base + "/ui/promotions/\(world.waiting)/decision", session: session,
                    form: [("csrf", csrf), ("verdict", "approve"), ("comment", "from the page")]
                )
                #expect(decided.status == 303, "\(decided.body)")
                #expect(try await OIDCApprovalTests.identities(world) == ["grace|\(TestIdentityProvider.issuer)|sub-grace-0001|grace@example.com|-"])

                let out = try await WebPageTests.request(.POST, base + "/ui/logout", session: session, form: [("csrf", csrf)])
                #expect(out.status == 303)
                #expect(try await WebPageTests.request(.GET, base + "/ui/pending", session: session).status == 401)

                let expired = try await provider.token(TestIdentityProvider.claims(
                    user: "grace", groups: ["release-managers"], ["exp": .number(now - 600), "nbf": .number(now - 7200), "iat": .number(now - 7200)]
                ))
                let refused = try await WebPageTests.request(.POST, base + "/ui/login", cookies: [form.cookie], form: [("csrf", form.field), ("token", expired)])
                #expect(refused.status == 401)
                #expect(refused.body.contains("the JWT expired at "), "\(refused.body)")
                #expect(refused.session == nil)
                #expect(!world.fixture.server.output.contains(jwt), "the JWT was logged")
            }
        }
    }
}
