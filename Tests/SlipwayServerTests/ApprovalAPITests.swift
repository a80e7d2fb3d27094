import AsyncHTTPClient
import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayServer
import SlipwayTestSupport
import Testing

extension SlipwayServe {
    /// `POST /api/v1/promotions/{id}/approvals` and `GET /api/v1/pending` of a real `slipway
    /// serve`, against a promotion waiting at staging's gate in its real PostgreSQL ledger
    /// (``ApprovalWorld``): who may decide and read (401, 403), what a body must be (400, 413,
    /// 422), which promotions can be decided about (404, 409), and what is recorded.
    @Suite("approvals API")
    struct ApprovalAPITests {
        @Test("a release manager approves over HTTP: 201 with the approval and the gate, recorded in the ledger and announced to the gate's runner; two approvals and break glass open the gate")
        func releaseManagerApproves() async throws {
            try await ApprovalWorld.with { world in
                let grace = try await world.token("grace", ["release-managers"])
                let linus = try await world.token("linus", ["release-managers"])
                let sam = try await world.token("sam", ["sre-oncall"])

                // A runner waiting at the gate listens on the ledger's channel; the decision wakes it.
                let (heard, answer) = try await Ledger.withLedger(world.fixture.database, logger: TestDatabase.logger) { ledger in
                    try await ledger.listeningForGateDecisions(promotionID: world.waiting) { signal in
                        async let heard = signal.wait(upTo: .seconds(60))
                        let answer = try await world.decide(#"{"verdict": "approve", "comment": "canary looks fine"}"#, as: grace)
                        return (await heard, answer)
                    }
                }
                #expect(answer.status == 201, "\(answer.body)")
                #expect(heard, "the decision was not announced on \(Ledger.gateChannel)")
                let body = try answer.json()
                let approval = try #require(body["approval"] as? [String: Any], "\(answer.body)")
                #expect(approval["user"] as? String == "grace")
                #expect(approval["groups"] as? [String] == ["release-managers"])
                #expect(approval["verdict"] as? String == "approved")
                #expect(approval["comment"] as? String == "canary looks fine")
                #expect(approval["breakGlass"] as? Bool == false)
                #expect(approval["promotionID"] as? Int == Int(world.waiting))
                #expect((approval["release"] as? [String: Any])?["commit"] as? String == String(repeating: "a", count: 40))
                #expect((approval["releaseDigest"] as? String)?.hasPrefix("sha256:") == true)
                #expect((approval["createdAt"] as? String)?.hasSuffix("Z") == true, "dates are ISO 8601: \(answer.body)")
                let promotion = try #require(body["promotion"] as? [String: Any])
                #expect(promotion["id"] as? Int == Int(world.waiting) && promotion["environment"] as? String == "staging")
                let gate = try #require(body["gate"] as? [String: Any])
                #expect(gate["state"] as? String == "waiting")
                #expect(gate["summary"] as? String == "waiting: frozen until 2099-01-01 00:00 UTC: the test freeze · approvals: 1 of 2 (needs group release-managers); grace approved")
                #expect(try await world.recordedDecisions() == ["grace approved"])
                #expect(try await world.approvalEvents() == ["approval.approved grace"])

                let second = try await world.decide(#"{"verdict": "approve"}"#, as: linus)
                #expect(second.status == 201, "\(second.body)")
                #expect((try second.json()["gate"] as? [String: Any])?["summary"] as? String == "waiting: frozen until 2099-01-01 00:00 UTC: the test freeze")

                let glass = try await world.decide(#"{"verdict": "approve", "breakGlassReason": "CVE-2026-1234 fix"}"#, as: sam)
                #expect(glass.status == 201, "\(glass.body)")
                let glassBody = try glass.json()
                let glassApproval = try #require(glassBody["approval"] as? [String: Any])
                #expect(glassApproval["breakGlass"] as? Bool == true && glassApproval["reason"] as? String == "CVE-2026-1234 fix")
                let opened = try #require(glassBody["gate"] as? [String: Any])
                #expect(opened["state"] as? String == "open")
                #expect(opened["approvedBy"] as? [String] == ["grace", "linus"])
                #expect(opened["summary"] as? String == "open; a runner waiting at it moves on within a second (approved by grace, linus)")
                #expect(try await world.approvalEvents() == ["approval.approved grace", "approval.approved linus", "approval.break_glass sam"])

                let verify = try SlipwayBinary.run([
                    "audit", "verify", "--database-url", world.fixture.database.url, "--state-dir", world.fixture.state.path,
                ])
                #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
            }
        }

        @Test("a rejection needs a comment; with one it is recorded and the gate fails; /pending shows it rejected")
        func rejectionWithComment() async throws {
            try await ApprovalWorld.with { world in
                let grace = try await world.token("grace", ["release-managers"])
                let without = try await world.decide(#"{"verdict": "reject"}"#, as: grace)
                #expect(without.status == 422, "\(without.body)")
                #expect(without.code == "invalid" && without.message == #"a rejection needs a "comment" saying why"#, "\(without.body)")

                let rejected = try await world.decide(#"{"verdict": "reject", "comment": "error budget spent"}"#, as: grace)
                #expect(rejected.status == 201, "\(rejected.body)")
                let body = try rejected.json()
                #expect((body["approval"] as? [String: Any])?["verdict"] as? String == "rejected")
                #expect((body["approval"] as? [String: Any])?["comment"] as? String == "error budget spent")
                let gate = try #require(body["gate"] as? [String: Any])
                #expect(gate["state"] as? String == "rejected")
                #expect(gate["summary"] as? String == "rejected by grace: error budget spent; the promotion fails (it moved no traffic)")
                #expect(try await world.recordedDecisions() == ["grace rejected"])
                #expect(try await world.approvalEvents() == ["approval.rejected grace"])

                let pending = try await world.pending(token: grace)
                #expect(pending.status == 200, "\(pending.body)")
                let items = try pending.jsonArray()
                #expect(items.count == 1)
                #expect(items.first?["promotion"] as? Int == Int(world.waiting) && items.first?["gate"] as? String == "rejected")
                #expect(items.first?["waitingFor"] as? [String] == ["rejected by grace: error budget spent; the promotion fails when its runner next looks"])
                #expect((items.first?["decisions"] as? [[String: Any]])?.map { $0["user"] as? String } == ["grace"])
            }
        }

        @Test("the gate's rules over HTTP: the commit's author, whoever started the run, an outsider, break glass outside its group and a second approval are refused 403 with the ledger's reason")
        func refusals() async throws {
            try await ApprovalWorld.with { world in
                let ada = try await world.token("ada", ["release-managers"])
                let ci = try await world.token("ci", ["release-managers"])
                let mallory = try await world.token("mallory", ["devs"])
                let grace = try await world.token("grace", ["release-managers"])
                let what = world.what
                let approve = #"{"verdict": "approve", "comment": "lgtm"}"#

                let author = try await world.decide(approve, as: ada)
                #expect(author.status == 403 && author.code == "forbidden", "\(author.body)")
                #expect(author.message == "\(what): ada may not approve this release: ada wrote the commit (the approval policy forbids self-approval)")
                let starter = try await world.decide(approve, as: ci)
                #expect(starter.status == 403, "\(starter.body)")
                #expect(starter.message == "\(what): ci may not approve this release: ci started the run (the approval policy forbids self-approval)")
                let outsider = try await world.decide(approve, as: mallory)
                #expect(outsider.status == 403, "\(outsider.body)")
                #expect(outsider.message == "\(what): mallory is not one of the approvers (group release-managers)")
                let outsiderRejects = try await world.decide(#"{"verdict": "reject", "comment": "no"}"#, as: mallory)
                #expect(outsiderRejects.status == 403 && outsiderRejects.message == outsider.message, "\(outsiderRejects.body)")
                let glass = try await world.decide(#"{"verdict": "approve", "breakGlassReason": "urgent"}"#, as: grace)
                #expect(glass.status == 403, "\(glass.body)")
                #expect(glass.message == "\(what): grace may not break glass here: only members of sre-oncall may")
                #expect(try await world.recordedDecisions().isEmpty, "a refused decision was recorded")

                #expect(try await world.decide(approve, as: grace).status == 201)
                let again = try await world.decide(approve, as: grace)
                #expect(again.status == 403, "\(again.body)")
                #expect(again.message == "\(what): grace has already approved this release; one person counts once")
                #expect(try await world.recordedDecisions() == ["grace approved"])
            }
        }

        @Test("GET /api/v1/pending: release managers and auditors read the gates exactly as `slipway pending --output json` prints them; a developer's token is refused 403")
        func pendingNeedsAReader() async throws {
            try await ApprovalWorld.with { world in
                let grace = try await world.token("grace", ["release-managers"])
                let audrey = try await world.token("audrey", ["auditors"])
                let dev = try await world.token("dev", ["devs"])
                #expect(try await world.decide(#"{"verdict": "approve", "comment": "canary looks fine"}"#, as: grace).status == 201)

                let refused = try await world.pending(token: dev)
                #expect(refused.status == 403 && refused.code == "forbidden", "\(refused.body)")
                #expect(refused.message == "reading this needs a token in one of the groups auditors, release-managers; dev is in the groups devs")

                let decoder = JSONDecoder()
                decoder.dateDecodingStrategy = .iso8601
                let cli = try SlipwayBinary.run([
                    // The server's state directory: its signing key is the one that signed the approvals.
                    "pending", "--output", "json", "--database-url", world.fixture.database.url, "--state-dir", world.fixture.state.path,
                ])
                #expect(cli.status == 0, "\(cli.stderr)")
                let printed = try decoder.decode([PendingGate].self, from: Data(cli.stdout.utf8))
                for token in [grace, audrey] {
                    let answer = try await world.pending(token: token)
                    #expect(answer.status == 200, "\(answer.body)")
                    let served = try decoder.decode([PendingGate].self, from: Data(answer.body.utf8))
                    #expect(served == printed, "the API's \(answer.body) is not the CLI's \(cli.stdout)")
                }
                let item = try #require(printed.first)
                #expect(printed.count == 1 && item.promotion == world.waiting && item.gate == "waiting")
                #expect(item.waitingFor == [
                    "frozen until 2099-01-01 00:00 UTC: the test freeze", "approvals: 1 of 2 (needs group release-managers); grace approved",
                ])
                #expect(item.decisions.map(\.user) == ["grace"] && item.decisions.map(\.counts) == [true])
            }
        }

        @Test("401 on every route without a token, or with a malformed, unknown, revoked or expired one, saying which; nothing is recorded")
        func unauthenticated() async throws {
            try await ApprovalWorld.with { world in
                // With the server's signing key (tokens no checkpoint of it covers are unknown to
                // the server); the expired token made two hours ago, for one hour.
                let signing = try LedgerSigning.inStateDirectory(world.fixture.state.path)
                let revoked = try await Ledger.withLedger(world.fixture.database, logger: TestDatabase.logger, signing: signing) { ledger in
                    try await ledger.transaction { tx in
                        let revoked = try await tx.createToken(user: "rita", groups: ["release-managers"], expiresAt: nil, actor: "admin")
                        try await tx.revokeToken(id: revoked.record.id, actor: "admin")
                        return revoked
                    }
                }
                let twoHoursAgo = Date().addingTimeInterval(-7200)
                let expired = try await Ledger.withLedger(
                    world.fixture.database, logger: TestDatabase.logger, signing: signing, now: { twoHoursAgo }
                ) { ledger in
                    try await ledger.transaction { tx in
                        try await tx.createToken(user: "ed", groups: ["release-managers"], expiresAt: twoHoursAgo.addingTimeInterval(3600), actor: "admin")
                    }
                }
                let cases: [(authorization: String?, message: String)] = [
                    (nil, "this route needs an API token"),
                    ("Basic Z3JhY2U6cGFzc3dvcmQ=", "the Authorization header must be `Bearer ` and an API token"),
                    ("Bearer slw_nope", "that is not a Slipway token"),
                    ("Bearer slw_" + String(repeating: "A", count: 43), "the token is not known to this ledger"),
                    ("Bearer " + revoked.token, "token \(revoked.record.id) (rita) was revoked on "),
                    ("Bearer " + expired.token, "token \(expired.record.id) (ed) expired on "),
                ]
                for (authorization, message) in cases {
                    let decide = try await world.decide(
                        String(world.waiting), body: #"{"verdict": "approve"}"#, token: nil, authorization: authorization
                    )
                    let pending = try await world.pending(token: nil, authorization: authorization)
                    for answer in [decide, pending] {
                        #expect(answer.status == 401 && answer.code == "unauthorized", "\(authorization ?? "none"): \(answer.body)")
                        #expect(answer.message.hasPrefix(message), "\(authorization ?? "none"): \(answer.body)")
                        #expect(!answer.body.contains(revoked.token) && !answer.body.contains(expired.token))
                    }
                }
                var request = HTTPClientRequest(url: world.fixture.baseURL + "/api/v1/pending")
                request.method = .GET
                let raw = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
                #expect(raw.status.code == 401 && raw.headers.first(name: "WWW-Authenticate") == #"Bearer realm="slipway""#)
                _ = try await raw.body.collect(upTo: 1 << 20)
                #expect(try await world.recordedDecisions().isEmpty)
                #expect(!world.fixture.server.output.contains(revoked.token) && !world.fixture.server.output.contains(expired.token), "a token was logged")

                let document = try await world.fixture.send(.GET, "/openapi.json").json()
                let paths = try #require(document["paths"] as? [String: Any])
                #expect(paths["/api/v1/promotions/{id}/approvals"] != nil && paths["/api/v1/pending"] != nil)
            }
        }

        @Test("bad requests: 400 when the body is not JSON or the id not a number, 422 for JSON that is no decision, 413 beyond --max-body-bytes, 404 for an unknown promotion, 409 for one past its gate; nothing is recorded")
        func badRequests() async throws {
            try await ApprovalWorld.with(arguments: ["--max-body-bytes", "2048"]) { world in
                let grace = try await world.token("grace", ["release-managers"])
                for body in ["", "not json", "{", #"{"verdict": "approve""#] {
                    let answer = try await world.decide(body, as: grace)
                    #expect(answer.status == 400 && answer.code == "malformed", "\(body): \(answer.body)")
                }
                for id in ["abc", "0", "-3", "99999999999999999999"] {
                    let answer = try await world.decide(id, body: #"{"verdict": "approve"}"#, token: grace)
                    #expect(answer.status == 400 && answer.code == "malformed", "\(id): \(answer.body)")
                }
                let mistakes: [(body: String, message: String)] = [
                    ("{}", #""verdict" is missing"#),
                    ("[]", "the body must be a JSON object"),
                    (#""approve""#, "the body must be a JSON object"),
                    (#"{"verdict": "maybe"}"#, #""verdict" must be "approve" or "reject", found "maybe""#),
                    (#"{"verdict": "approved"}"#, #""verdict" must be "approve" or "reject""#),
                    (#"{"verdict": 1}"#, #""verdict" must be "approve" or "reject", found the number 1"#),
                    (#"{"verdict": "reject", "comment": "   "}"#, #"a rejection needs a "comment""#),
                    (#"{"verdict": "approve", "user": "ada"}"#, #"unknown field "user""#),
                    (#"{"verdict": "approve", "comment": 5}"#, #""comment" must be a string"#),
                    (#"{"verdict": "approve", "breakGlassReason": " "}"#, #""breakGlassReason" must say why"#),
                    (#"{"verdict": "reject", "comment": "no", "breakGlassReason": "now"}"#, #""breakGlassReason" goes with "verdict": "approve""#),
                ]
                for (body, message) in mistakes {
                    let answer = try await world.decide(body, as: grace)
                    #expect(answer.status == 422 && answer.code == "invalid", "\(body): \(answer.body)")
                    #expect(answer.message.hasPrefix(message), "\(body): \(answer.body)")
                }
                let large = try await world.decide(#"{"verdict": "approve", "comment": "\#(String(repeating: "x", count: 4096))"}"#, as: grace)
                #expect(large.status == 413 && large.code == "too_large", "\(large.body)")

                let unknown = try await world.decide("999", body: #"{"verdict": "approve"}"#, token: grace)
                #expect(unknown.status == 404 && unknown.code == "not_found", "\(unknown.body)")
                #expect(unknown.message.hasPrefix("there is no promotion 999"))
                let late = try await world.decide(String(world.finished), body: #"{"verdict": "approve"}"#, token: grace)
                #expect(late.status == 409 && late.code == "conflict", "\(late.body)")
                #expect(late.message == "promotion \(world.finished) (\(ApprovalWorld.releaseID) to dev) is succeeded; there is nothing to decide")
                #expect(try await world.recordedDecisions().isEmpty, "a refused request recorded a decision")
            }
        }
    }
}
