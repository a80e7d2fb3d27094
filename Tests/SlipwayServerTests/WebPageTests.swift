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
            var cookie: String? { headers["Set-Cookie"].first }
        }

        /// A client that shows redirects instead of following them.
        static let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))

        static func request(
            _ method: HTTPMethod, _ url: String, session token: String? = nil, form: [(String, String)]? = nil
        ) async throws -> Page {
            var request = HTTPClientRequest(url: url)
            request.method = method
            if let token { request.headers.add(name: "Cookie", value: "slipway_session=\(token)") }
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

        /// The CSRF value the page's forms carry.
        static func csrf(in page: Page) -> String? {
            guard let range = page.body.range(of: #"name="csrf" value=""#) else { return nil }
            return String(page.body[range.upperBound...].prefix { $0 != "\"" })
        }

        @Test("without a session every page answers 401 with the sign-in form; a developer's session gets 403 on the reader pages")
        func sessionsAndRoles() async throws {
            try await ApprovalWorld.with { world in
                let base = world.fixture.baseURL
                let dev = try await world.token("dave", ["developers"])
                #expect(try await Self.request(.GET, base + "/ui/login").status == 200)
                let root = try await Self.request(.GET, base + "/ui")
                #expect(root.status == 303 && root.headers["Location"].first == "/ui/pending")
                for path in ["/ui/pending", "/ui/history"] {
                    let anonymous = try await Self.request(.GET, base + path)
                    #expect(anonymous.status == 401, "\(path)")
                    #expect(anonymous.body.contains(#"<input id="token" name="token""#), "\(path) shows the sign-in form")
                    let unknown = try await Self.request(.GET, base + path, session: "slw_" + String(repeating: "x", count: 43))
                    #expect(unknown.status == 401, "\(path)")
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

        @Test("signing in checks the token and keeps it in an HttpOnly, SameSite=Strict cookie; signing out clears it")
        func signingIn() async throws {
            try await ApprovalWorld.with { world in
                let base = world.fixture.baseURL
                let bad = try await Self.request(.POST, base + "/ui/login", form: [("token", "hunter2")])
                #expect(bad.status == 401)
                #expect(bad.body.contains("that is not a Slipway token"), "\(bad.body)")
                #expect(bad.cookie == nil)
                let grace = try await world.token("grace", ["release-managers"])
                let good = try await Self.request(.POST, base + "/ui/login", form: [("token", grace)])
                #expect(good.status == 303 && good.headers["Location"].first == "/ui/pending")
                let cookie = try #require(good.cookie)
                for attribute in ["slipway_session=\(grace)", "HttpOnly", "SameSite=Strict", "Path=/ui", "Max-Age=28800"] {
                    #expect(cookie.contains(attribute), "\(attribute) in \(cookie)")
                }
                let out = try await Self.request(.POST, base + "/ui/logout", session: grace)
                #expect(out.status == 303 && out.cookie?.contains("Max-Age=0") == true)
            }
        }

        @Test("a decision needs the page's CSRF value and obeys the gate's rules; text is escaped; a revoked token ends the session")
        func deciding() async throws {
            try await ApprovalWorld.with { world in
                let base = world.fixture.baseURL
                let path = base + "/ui/promotions/\(world.waiting)/decision"
                let grace = try await world.token("grace", ["release-managers"])
                let ada = try await world.token("ada", ["release-managers"])
                let margaret = try await world.token("margaret", ["release-managers"])

                let page = try await Self.request(.GET, base + "/ui/pending", session: grace)
                #expect(page.status == 200)
                #expect(page.body.contains(#"id="promotion-\#(world.waiting)""#))
                #expect(page.body.contains("approvals: 0 of 2"), "\(page.body)")
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
