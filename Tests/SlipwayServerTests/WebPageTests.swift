import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SlipwayLedger
import SlipwayTestSupport
import Testing

extension SlipwayServe {
    /// The web pages' boundaries over plain HTTP against a real `slipway serve`: sessions,
    /// roles, CSRF, the gate's own rules and escaping. (The browser test walks the happy path.)
    @Suite("web pages")
    struct WebPageTests {
        struct Page {
            var status: Int
            var headers: HTTPHeaders
            var body: String
            /// The Set-Cookie of the session cookie.
            var cookie: String? { headers["Set-Cookie"].first { $0.hasPrefix("slipway_session=") } }
            var cookies: [String] { headers["Set-Cookie"] }
            /// The session id the response set.
            var session: String? {
                cookie.flatMap { $0.split(separator: ";").first }.map { String($0.dropFirst("slipway_session=".count)) }
                    .flatMap { $0.isEmpty ? nil : $0 }
            }
        }

        /// A client that shows redirects instead of following them.
        static let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))

        static func request(
            _ method: HTTPMethod, _ url: String, session: String? = nil, cookies: [String] = [], form: [(String, String)]? = nil
        ) async throws -> Page {
            var request = HTTPClientRequest(url: url)
            request.method = method
            let all = (session.map { ["slipway_session=\($0)"] } ?? []) + cookies
            if !all.isEmpty { request.headers.add(name: "Cookie", value: all.joined(separator: "; ")) }
            if let form {
                request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                request.body = .bytes(ByteBuffer(string: Self.encode(form)))
            }
            let response = try await client.execute(request, timeout: .seconds(20))
            let body = try await response.body.collect(upTo: 4 << 20)
            return Page(status: Int(response.status.code), headers: response.headers, body: String(buffer: body))
        }

        static func encode(_ form: [(String, String)]) -> String {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return form.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        }

        /// The sign-in form's CSRF value and the cookie that goes with it, from `GET /ui/login`.
        static func signInForm(_ base: String) async throws -> (field: String, cookie: String) {
            let page = try await request(.GET, base + "/ui/login")
            let field = try #require(csrf(in: page), "no CSRF field on the sign-in form: \(page.body)")
            let set = try #require(page.cookies.first { $0.hasPrefix("slipway_signin=") }, "no sign-in cookie: \(page.cookies)")
            let cookie = try #require(set.split(separator: ";").first.map(String.init))
            #expect(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/ui"), "\(set)")
            return (field, cookie)
        }

        /// Signs in with `token` through the form, as a browser does; the session id.
        static func signIn(_ base: String, token: String) async throws -> String {
            let form = try await signInForm(base)
            let page = try await request(.POST, base + "/ui/login", cookies: [form.cookie], form: [("csrf", form.field), ("token", token)])
            #expect(page.status == 303, "signing in: \(page.status) \(page.body)")
            return try #require(page.session, "no session cookie: \(page.cookies)")
        }

        /// The CSRF value the page's forms carry.
        static func csrf(in page: Page) -> String? {
            guard let range = page.body.range(of: #"name="csrf" value=""#) else { return nil }
            return String(page.body[range.upperBound...].prefix { $0 != "\"" })
        }

        @Test("without a session every page answers 401 with the sign-in form; a developer's session gets 403 on the reader pages")
        func sessionsAndRoles() async throws {
            try await ApprovalWorld.with { world in
                let base = world.fixture.baseURL
                let dev = try await Self.signIn(base, token: try await world.token("dave", ["developers"]))
                #expect(try await Self.request(.GET, base + "/ui/login").status == 200)
                let root = try await Self.request(.GET, base + "/ui")
                #expect(root.status == 303 && root.headers["Location"].first == "/ui/pending")
                for path in ["/ui/pending", "/ui/history"] {
                    let anonymous = try await Self.request(.GET, base + path)
                    #expect(anonymous.status == 401, "\(path)")
                    #expect(anonymous.body.contains(#"<input id="token" name="token""#), "\(path) shows the sign-in form")
                    let unknown = try await Self.request(.GET, base + path, session: WebSessionShape.random())
                    #expect(unknown.status == 401, "\(path)")
                    #expect(unknown.body.contains("Your session has ended; sign in again."), "\(path)")
                    #expect(unknown.cookie?.contains("Max-Age=0") == true, "a bad session cookie is cleared")
                    let developer = try await Self.request(.GET, base + path, session: dev)
                    #expect(developer.status == 403, "\(path)")
                    #expect(developer.body.contains("dave may not read this: it needs a token in one of the groups auditors, release-managers"))
                }
                let decision = try await Self.request(.POST, base + "/ui/promotions/\(world.waiting)/decision", form: [("verdict", "approve")])
                #expect(decision.status == 401)
                #expect(try await world.recordedDecisions().isEmpty)
            }
        }

        @Test("signing in with an API token checks it and starts a server-side session: the HttpOnly, SameSite=Strict cookie holds a random session id, never the token; signing out ends the session on the server")
        func signingIn() async throws {
            try await ApprovalWorld.with { world in
                let base = world.fixture.baseURL
                let form = try await Self.signInForm(base)
                let bad = try await Self.request(.POST, base + "/ui/login", cookies: [form.cookie], form: [("csrf", form.field), ("token", "hunter2")])
                #expect(bad.status == 401)
                #expect(bad.body.contains("that is not a Slipway token"), "\(bad.body)")
                #expect(bad.cookie == nil)
                let grace = try await world.token("grace", ["release-managers"])
                let good = try await Self.request(.POST, base + "/ui/login", cookies: [form.cookie], form: [("csrf", form.field), ("token", grace)])
                #expect(good.status == 303 && good.headers["Location"].first == "/ui/pending")
                let cookie = try #require(good.cookie)
                for attribute in ["HttpOnly", "SameSite=Strict", "Path=/ui", "Max-Age=28800"] {
                    #expect(cookie.contains(attribute), "\(attribute) in \(cookie)")
                }
                for set in good.cookies { #expect(!set.contains(grace), "the token is in a cookie: \(set)") }
                let session = try #require(good.session)
                #expect(session.count == 43 && session.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }, "\(session)")
                #expect(!world.fixture.server.output.contains(grace) && !world.fixture.server.output.contains(session), "a secret was logged")

                let page = try await Self.request(.GET, base + "/ui/pending", session: session)
                #expect(page.status == 200, "\(page.body)")
                let csrf = try #require(Self.csrf(in: page))
                // Another sign-in makes another session; the token is not a session id.
                let again = try await Self.signIn(base, token: grace)
                #expect(again != session)
                #expect(try await Self.request(.GET, base + "/ui/pending", session: grace).status == 401, "the token works as a session id")

                let forged = try await Self.request(.POST, base + "/ui/logout", session: session, form: [("csrf", String(repeating: "0", count: 64))])
                #expect(forged.status == 403)
                #expect(try await Self.request(.GET, base + "/ui/pending", session: session).status == 200, "a forged sign-out ended the session")
                let out = try await Self.request(.POST, base + "/ui/logout", session: session, form: [("csrf", csrf)])
                #expect(out.status == 303 && out.headers["Location"].first == "/ui/login")
                #expect(out.cookie?.contains("Max-Age=0") == true, "\(out.cookies)")
                // The old cookie, sent again by someone who kept it, no longer opens anything.
                let after = try await Self.request(.GET, base + "/ui/pending", session: session)
                #expect(after.status == 401)
                #expect(after.body.contains("Your session has ended"), "\(after.body)")
                let decide = try await Self.request(.POST, base + "/ui/promotions/\(world.waiting)/decision", session: session, form: [("csrf", csrf), ("verdict", "approve")])
                #expect(decide.status == 401)
                #expect(try await Self.request(.GET, base + "/ui/pending", session: again).status == 200, "signing out ended the other session too")
                #expect(try await world.recordedDecisions().isEmpty)
            }
        }

        @Test("sign-in is CSRF-protected: without the form's CSRF field, without its cookie, or with a field that is not the cookie's, it is refused 403 and no session starts")
        func signInCSRF() async throws {
            try await ApprovalWorld.with { world in
                let base = world.fixture.baseURL
                let grace = try await world.token("grace", ["release-managers"])
                let form = try await Self.signInForm(base)
                let other = try await Self.signInForm(base)
                #expect(form.field != other.field, "each new browser gets its own value")
                let attempts: [(String, [String], [(String, String)])] = [
                    ("no field", [form.cookie], [("token", grace)]),
                    ("no cookie", [], [("csrf", form.field), ("token", grace)]),
                    ("another browser's field", [form.cookie], [("csrf", other.field), ("token", grace)]),
                    ("an empty field", [form.cookie], [("csrf", ""), ("token", grace)]),
                    ("a cookie set by another site", ["slipway_signin=" + String(repeating: "A", count: 43)], [("csrf", form.field), ("token", grace)]),
                ]
                for (label, cookies, fields) in attempts {
                    let page = try await Self.request(.POST, base + "/ui/login", cookies: cookies, form: fields)
                    #expect(page.status == 403, "\(label): \(page.status)")
                    #expect(page.body.contains("That sign-in form is stale or was not sent from this site"), "\(label)")
                    #expect(page.session == nil, "\(label) started a session")
                }
                let good = try await Self.request(.POST, base + "/ui/login", cookies: [form.cookie], form: [("csrf", form.field), ("token", grace)])
                #expect(good.status == 303 && good.session != nil)
            }
        }

        @Test("a decision needs the page's CSRF value and obeys the gate's rules; text is escaped; a revoked token ends its session")
        func deciding() async throws {
            try await ApprovalWorld.with { world in
                let base = world.fixture.baseURL
                let path = base + "/ui/promotions/\(world.waiting)/decision"
                let grace = try await Self.signIn(base, token: try await world.token("grace", ["release-managers"]))
                let ada = try await Self.signIn(base, token: try await world.token("ada", ["release-managers"]))
                let margaret = try await Self.signIn(base, token: try await world.token("margaret", ["release-managers"]))

                let page = try await Self.request(.GET, base + "/ui/pending", session: grace)
                #expect(page.status == 200)
                #expect(page.body.contains(#"id="promotion-\#(world.waiting)""#))
                #expect(page.body.contains("approvals: 0 of 2"), "\(page.body)")
                // Approvers see that this release changes the environment's policy, and how.
                #expect(page.body.contains(
                    "this release changes staging&#39;s policy (against the policy of promotion 1 (commit aaaaaaaaaaaa, sha256:0123456789ab)): environment.approvals.required: 2 → 1"
                ), "\(page.body)")
                let csrf = try #require(Self.csrf(in: page))

                let forged = try await Self.request(.POST, path, session: grace, form: [("verdict", "approve")])
                #expect(forged.status == 403)
                #expect(forged.body.contains("That form is stale or was not sent from this site"))
                let otherPages = try await Self.request(.POST, path, session: grace, form: [("csrf", String(repeating: "0", count: 64)), ("verdict", "approve")])
                #expect(otherPages.status == 403)
                #expect(try await world.recordedDecisions().isEmpty, "nothing is recorded without the page's CSRF value")

                let adaPage = try await Self.request(.GET, base + "/ui/pending", session: ada)
                let author = try await Self.request(.POST, path, session: ada, form: [("csrf", Self.csrf(in: adaPage) ?? ""), ("verdict", "approve")])
                #expect(author.status == 403)
                #expect(author.body.contains("ada wrote the commit"), "\(author.body)")

                let rejectWithoutWhy = try await Self.request(.POST, path, session: grace, form: [("csrf", csrf), ("verdict", "reject")])
                #expect(rejectWithoutWhy.status == 422, "\(rejectWithoutWhy.body)")
                #expect(rejectWithoutWhy.body.contains("a rejection needs a comment saying why"))

                let approved = try await Self.request(.POST, path, session: grace, form: [("csrf", csrf), ("verdict", "approve"), ("comment", "fine by me")])
                #expect(approved.status == 303)
                #expect(approved.headers["Location"].first == "/ui/pending?decided=\(world.waiting)&as=approved")
                let margaretPage = try await Self.request(.GET, base + "/ui/pending", session: margaret)
                let sneaky = "<script>alert(1)</script> & \"quotes\""
                let second = try await Self.request(.POST, path, session: margaret, form: [("csrf", Self.csrf(in: margaretPage) ?? ""), ("verdict", "approve"), ("comment", sneaky)])
                #expect(second.status == 303)
                #expect(try await world.recordedDecisions() == ["grace approved", "margaret approved"])

                let after = try await Self.request(.GET, base + "/ui/pending?decided=\(world.waiting)&as=approved", session: grace)
                #expect(after.body.contains("Your approval of promotion \(world.waiting) is recorded."))
                #expect(after.body.contains("approved by grace"))
                #expect(after.body.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"), "\(after.body)")
                #expect(!after.body.contains("<script>"))
                #expect(after.headers["Content-Security-Policy"].first?.contains("default-src 'none'") == true)

                let history = try await Self.request(.GET, base + "/ui/history?environment=staging", session: grace)
                #expect(history.status == 200)
                #expect(history.body.contains(#"id="history-\#(world.waiting)""#))
                #expect(!history.body.contains(#"id="history-\#(world.finished)""#), "the environment filter applies")

                try await Ledger.withLedger(world.fixture.database, logger: TestDatabase.logger) { ledger in
                    try await ledger.transaction { tx in
                        let id = try #require(try await tx.tokens().first { $0.user == "grace" }?.id)
                        _ = try await tx.revokeToken(id: id, actor: "admin")
                    }
                }
                let revoked = try await Self.request(.GET, base + "/ui/pending", session: grace)
                #expect(revoked.status == 401)
                #expect(revoked.body.contains("was revoked"), "\(revoked.body)")
            }
        }
    }
}

/// Session ids shaped like the server's (32 random bytes, base64url), for ids it never issued.
enum WebSessionShape {
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
