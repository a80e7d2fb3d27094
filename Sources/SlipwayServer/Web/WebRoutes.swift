import Foundation
import Hummingbird
import Logging
import NIOCore
import SlipwayCore
import SlipwayLedger

/// The web pages under `/ui`: sign in with an API token or the identity provider's JWT, the
/// gates waiting with what each waits for and buttons to approve or reject, and the promotion
/// history. Server-rendered HTML, no script.
///
/// Signing in checks the token once and starts a server-side session (``WebSessionStore``);
/// the cookie holds the session's random id, never the token. A session of an API token looks
/// the token up again on every request, so revoking it signs the browser out.
///
/// A page asked for without a valid session answers 401 with the sign-in form; a signed-in
/// person outside the reader groups gets 403 (``AccessPolicy``). A decision goes through the
/// same ledger call as `POST /api/v1/promotions/{id}/approvals`, so the gate's rules apply
/// and a runner waiting at it hears of it at once.
struct WebRoutes: RouteGroup {
    let ledger: Ledger
    let authenticator: any APICallerAuthenticator
    let access: AccessPolicy
    let maxBodyBytes: Int
    /// Cookies are marked Secure when the server speaks TLS.
    let secureCookies: Bool
    let logger: Logger
    /// The sessions signed in, in memory.
    let sessions = WebSessionStore()

    func register(on router: Router<ServerContext>) {
        router.get("/ui") { _, _ in Self.redirect(to: "/ui/pending") }
        router.get("/ui/login") { request, _ in signInPage(request, message: nil) }
        router.post("/ui/login") { request, _ in try await login(request) }
        router.post("/ui/logout") { request, _ in try await logout(request) }
        router.get("/ui/pending") { request, _ in
            try await signedIn(request, reading: true) { session in try await pendingPage(session, request: request) }
        }
        router.get("/ui/history") { request, _ in
            try await signedIn(request, reading: true) { session in try await historyPage(session, request: request) }
        }
        router.post("/ui/promotions/{id}/decision") { request, context in
            try await signedIn(request, reading: false) { session in
                try await decide(request, promotion: context.parameters.get("id"), session: session)
            }
        }
    }

    /// Who is signed in: the session's caller, and its id for the forms' CSRF value.
    struct Session {
        var caller: APICaller
        var id: String
        var csrf: String { WebSession.csrf(forSession: id) }
    }

    /// Runs `page` for the signed-in person; 401 with the sign-in form without a live session
    /// (unknown, ended, expired, or its API token revoked since), 403 when `reading` and the
    /// person is not a reader.
    func signedIn(_ request: Request, reading: Bool, _ page: (Session) async throws -> Response) async throws -> Response {
        guard let id = WebSession.id(in: request) else {
            return signInPage(request, message: "Sign in with your API token or your identity provider's token to see this page.", status: .unauthorized)
        }
        guard var caller = await sessions.session(id: id)?.caller else {
            var response = signInPage(request, message: "Your session has ended; sign in again.", status: .unauthorized)
            response.setCookie(WebSession.clearedCookie(secure: secureCookies))
            return response
        }
        if let token = caller.token {
            // The token is looked up again, so revoking it signs the browser out.
            let current = try await ledger.transaction { tx in try await tx.token(id: token.id) }
            if let refusal = Self.refusal(of: current, for: token) {
                await sessions.end(id: id)
                var response = signInPage(request, message: refusal, status: .unauthorized)
                response.setCookie(WebSession.clearedCookie(secure: secureCookies))
                return response
            }
            caller.token = current
        }
        let session = Session(caller: caller, id: id)
        if reading, !access.mayRead(caller) {
            let body = "<p>\(HTMLPage.escape(caller.user)) may not read this: it needs a token in one of the groups \(HTMLPage.escape(access.readerGroups.joined(separator: ", "))).</p>"
            return Self.html(HTMLPage.render(title: "Not allowed", signedIn: caller.user, csrf: session.csrf, body: body), status: .forbidden)
        }
        return try await page(session)
    }

    // MARK: signing in

    /// Why a session of `token` no longer counts (revoked, expired, gone), or nil.
    static func refusal(of current: APITokenRecord?, for token: APITokenRecord) -> String? {
        guard let current else { return "token \(token.id) (\(token.user)) is no longer known to this ledger; sign in again" }
        if let revoked = current.revokedAt {
            return "token \(current.id) (\(current.user)) was revoked on \(revoked.formatted(.iso8601)); ask for a new one"
        }
        if let expires = current.expiresAt, expires <= Date() {
            return "token \(current.id) (\(current.user)) expired on \(expires.formatted(.iso8601)); ask for a new one"
        }
        return nil
    }

    struct LoginForm: Decodable {
        var token: String?
        var csrf: String?
    }

    /// Signs in: the form's CSRF value must match its cookie (``SignInCSRF``), the token is
    /// checked (an API token, or a JWT when OIDC is configured), and a session starts; the
    /// cookie gets the session's id, never the token.
    func login(_ request: Request) async throws -> Response {
        let form = try await Self.form(LoginForm.self, from: request, limit: maxBodyBytes)
        guard SignInCSRF.isValid(field: form.csrf, in: request) else {
            logger.notice("web sign-in refused: no matching CSRF value")
            return signInPage(
                request, message: "That sign-in form is stale or was not sent from this site; nothing was done. Sign in from this page.",
                status: .forbidden
            )
        }
        let token = (form.token ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let caller: APICaller
        do {
            caller = try await authenticator.authenticate(bearer: token)
        } catch let refusal as APICallerRefusal {
            return signInPage(request, message: refusal.description, status: .unauthorized)
        }
        if let old = WebSession.id(in: request) { await sessions.end(id: old) }
        let started = await sessions.start(caller)
        logger.info("web session started", metadata: [
            "user": "\(caller.user)", "by": "\(caller.identity.map { "jwt from \($0.issuer)" } ?? "api token \(caller.token?.id ?? 0)")",
            "until": "\(started.expiresAt.formatted(.iso8601))",
        ])
        var response = Self.redirect(to: "/ui/pending")
        response.setCookie(WebSession.cookie(id: started.id, maxAge: started.maxAge, secure: secureCookies))
        response.setCookie(SignInCSRF.clearedCookie(secure: secureCookies))
        return response
    }

    /// Signs out: the session ends on the server (its cookie is worthless from now on) and the
    /// cookie is cleared. Needs the page's CSRF value, so another site cannot sign a person out.
    func logout(_ request: Request) async throws -> Response {
        struct LogoutForm: Decodable { var csrf: String? }
        let form = try await Self.form(LogoutForm.self, from: request, limit: maxBodyBytes)
        if let id = WebSession.id(in: request) {
            guard WebSession.isValidCSRF(form.csrf, forSession: id) else {
                return signInPage(request, message: "That sign-out form was not sent from this site; you are still signed in.", status: .forbidden)
            }
            await sessions.end(id: id)
        }
        var response = Self.redirect(to: "/ui/login")
        response.setCookie(WebSession.clearedCookie(secure: secureCookies))
        return response
    }

    /// The sign-in form, with its CSRF value in a hidden field and in a cookie.
    func signInPage(_ request: Request, message: String?, status: HTTPResponse.Status = .ok) -> Response {
        let csrf = SignInCSRF.value(for: request)
        var response = Self.html(Self.loginPage(message: message, csrf: csrf), status: status)
        response.setCookie(SignInCSRF.cookie(csrf, secure: secureCookies))
        return response
    }

    static func loginPage(message: String?, csrf: String) -> String {
        let body = """
            <form method="post" action="/ui/login" class="login">
            <input type="hidden" name="csrf" value="\(HTMLPage.escape(csrf))">
            <label for="token">API token (from <code>slipway token create</code>) or your identity provider's token (JWT)</label>
            <input id="token" name="token" type="password" autocomplete="off" placeholder="slw_… or eyJ…" required>
            <button type="submit" id="sign-in">Sign in</button>
            </form>
            """
        return HTMLPage.render(title: "Sign in", notice: message.map { ("error", $0) }, body: body)
    }

    // MARK: pending gates

    func pendingPage(_ session: Session, request: Request, status: HTTPResponse.Status = .ok, notice: (tone: String, text: String)? = nil) async throws -> Response {
        let gates = try await ledger.transaction { tx in try await tx.waitingGates() }
        let now = Date()
        let items = gates.map { PendingGate($0, at: now) }
        var notice = notice
        if notice == nil, let decided = request.uri.queryParameters.get("decided", as: Int64.self),
           let verdict = request.uri.queryParameters.get("as") {
            let word = verdict == "rejected" ? "rejection" : "approval"
            notice = ("ok", "Your \(word) of promotion \(decided) is recorded.")
        }
        let body = items.isEmpty
            ? "<p>No promotion is waiting at a gate.</p>"
            : items.map { Self.gateBlock($0, csrf: session.csrf) }.joined(separator: "\n")
        return Self.html(HTMLPage.render(title: "Pending gates", signedIn: session.caller.user, csrf: session.csrf, notice: notice, body: body), status: status)
    }

    static func gateBlock(_ gate: PendingGate, csrf: String) -> String {
        let e = HTMLPage.escape
        var html = #"<section class="gate" id="promotion-\#(gate.promotion)" data-gate="\#(e(gate.gate))">"#
        html += "<h3>Promotion \(gate.promotion): \(e(gate.releaseID)) to \(e(gate.environment))</h3>"
        html += "<p>Pipeline \(e(gate.pipeline)), commit <code>\(e(String(gate.commit.prefix(12))))</code>"
        if let since = gate.waitingSince { html += ", at its gate since \(HTMLPage.date(since))" }
        html += "</p>"
        if let release = gate.release { html += "<p>Release: \(e(release.summary))</p>" }
        if let change = gate.policyChange { html += #"<p class="policy-change"><strong>\#(e(change))</strong></p>"# }
        html += #"<ul class="waits">"# + gate.waitingFor.map { "<li>\(e($0))</li>" }.joined() + "</ul>"
        if !gate.decisions.isEmpty {
            html += #"<ul class="decisions">"#
            for decision in gate.decisions {
                var line = "\(decision.breakGlass ? "break glass" : decision.decision) by \(decision.user) at \(HTMLPage.date(decision.at))"
                if let text = decision.reason ?? decision.comment { line += ": \(text)" }
                if decision.decision == GateDecision.Verdict.approved.rawValue, !decision.breakGlass, !decision.counts { line += " (does not count)" }
                html += "<li>\(e(line))</li>"
            }
            html += "</ul>"
        }
        if gate.gate == "waiting" {
            html += """
                <form method="post" action="/ui/promotions/\(gate.promotion)/decision" class="decide">
                <input type="hidden" name="csrf" value="\(e(csrf))">
                <input type="text" name="comment" placeholder="Comment (needed to reject)" aria-label="comment">
                <button type="submit" name="verdict" value="approve" class="approve">Approve</button>
                <button type="submit" name="verdict" value="reject" class="reject">Reject</button>
                </form>
                """
        }
        return html + "</section>"
    }

    // MARK: deciding

    struct DecisionForm: Decodable {
        var csrf: String?
        var verdict: String?
        var comment: String?
    }

    func decide(_ request: Request, promotion idText: String?, session: Session) async throws -> Response {
        let form = try await Self.form(DecisionForm.self, from: request, limit: maxBodyBytes)
        guard WebSession.isValidCSRF(form.csrf, forSession: session.id) else {
            return try await pendingPage(session, request: request, status: .forbidden, notice: ("error", "That form is stale or was not sent from this site; nothing was recorded. Try again from this page."))
        }
        guard let idText, let promotionID = Int64(idText), promotionID > 0 else {
            return try await pendingPage(session, request: request, status: .badRequest, notice: ("error", "No such promotion."))
        }
        let verdict: GateDecision.Verdict
        switch form.verdict {
        case "approve": verdict = .approved
        case "reject": verdict = .rejected
        default:
            return try await pendingPage(session, request: request, status: .unprocessableContent, notice: ("error", "Choose Approve or Reject."))
        }
        let comment = form.comment.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        if verdict == .rejected, comment == nil {
            return try await pendingPage(session, request: request, status: .unprocessableContent, notice: ("error", "Promotion \(promotionID): a rejection needs a comment saying why; nothing was recorded."))
        }
        do {
            let decided = try await GateDecisionRecording.record(
                ledger: ledger, caller: session.caller, promotionID: promotionID, verdict: verdict, comment: comment, breakGlassReason: nil
            )
            logger.info("gate decision recorded from the web page", metadata: [
                "promotion": "\(promotionID)", "user": "\(decided.approval.user)", "decision": "\(decided.approval.verdict.rawValue)",
            ])
            return Self.redirect(to: "/ui/pending?decided=\(promotionID)&as=\(decided.approval.verdict.rawValue)")
        } catch {
            guard let problem = ApprovalProblem.from(error) else { throw error }
            return try await pendingPage(session, request: request, status: problem.status, notice: ("error", "Promotion \(promotionID): \(problem.message)"))
        }
    }

    // MARK: history

    func historyPage(_ session: Session, request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters
        var query = HistoryQuery(limit: 50)
        let environment = parameters.get("environment").flatMap { $0.isEmpty ? nil : $0 }
        let status = parameters.get("status").flatMap { $0.isEmpty ? nil : PromotionStatus(rawValue: $0) }
        query.environment = environment
        query.status = status
        if let cursor = parameters.get("cursor") { query.cursor = HistoryCursor(cursor) }
        let page = try await ledger.history(query)
        let e = HTMLPage.escape
        let options = ([""] + PromotionStatus.allCases.map(\.rawValue)).map { value in
            #"<option value="\#(value)"\#(value == status?.rawValue ? " selected" : "")>\#(value.isEmpty ? "any status" : value)</option>"#
        }.joined()
        var html = """
            <form method="get" action="/ui/history" class="decide">
            <input type="text" name="environment" value="\(e(environment ?? ""))" placeholder="environment" aria-label="environment">
            <select name="status" aria-label="status">\(options)</select>
            <button type="submit">Filter</button>
            </form>
            <table id="history"><thead><tr><th>Promotion</th><th>Pipeline</th><th>Environment</th><th>Release</th><th>Commit</th><th>Status</th><th>Triggered by</th><th>Created</th><th>Finished</th><th>Why</th></tr></thead><tbody>
            """
        for promotion in page.promotions {
            html += "<tr id=\"history-\(promotion.id)\"><td>\(promotion.id)</td><td>\(e(promotion.pipeline))</td><td>\(e(promotion.environment))</td>"
            html += "<td>\(e(promotion.releaseID))</td><td><code>\(e(String(promotion.commitSHA.prefix(12))))</code></td>"
            html += "<td class=\"status\">\(e(promotion.status.rawValue))</td><td>\(e(promotion.triggeredBy))</td>"
            html += "<td>\(HTMLPage.date(promotion.createdAt))</td><td>\(HTMLPage.date(promotion.finishedAt))</td><td>\(e(promotion.reason ?? ""))</td></tr>"
        }
        html += "</tbody></table>"
        if page.promotions.isEmpty { html += "<p>No promotion matches.</p>" }
        if let next = page.nextCursor {
            var link = "/ui/history?cursor=\(next)"
            if let environment { link += "&environment=\(environment.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            if let status { link += "&status=\(status.rawValue)" }
            html += #"<p><a href="\#(e(link))">Older promotions →</a></p>"#
        }
        return Self.html(HTMLPage.render(title: "History", signedIn: session.caller.user, csrf: session.csrf, body: html))
    }

    // MARK: plumbing

    /// A form body (`application/x-www-form-urlencoded`), at most `limit` bytes.
    static func form<Form: Decodable>(_ type: Form.Type, from request: Request, limit: Int) async throws -> Form {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw APIProblem(status: .contentTooLarge, code: "too_large", message: "the form is larger than \(limit) bytes")
        }
        do {
            return try URLEncodedFormDecoder().decode(type, from: String(buffer: buffer))
        } catch {
            throw APIProblem(status: .badRequest, code: "malformed", message: "the form could not be read")
        }
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .cacheControl: "no-store",
                .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
                .xContentTypeOptions: "nosniff",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text))
        )
    }

    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}
