import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SlipwayLedger
import SlipwayTestSupport
import Testing

extension SlipwayServe {
    /// The audit API of a real `slipway serve`: every route's role boundary, the promotion and run
    /// lists with each filter and their cursors, a promotion's whole story, the hash chain's
    /// verification and the export, against records the ledger's own API wrote.
    @Suite("audit API")
    struct AuditAPITests {
        static let routes = ["/api/v1/runs", "/api/v1/promotions", "/api/v1/promotions/export", "/api/v1/audit/verify"]

        @Test("every route: 401 without a token or with a bad, revoked or expired one; 403 for a non-reader; 200 for an auditor and a release manager")
        func roles() async throws {
            try await ServeFixture.with { fixture in
                let tokens = try await AuditLedger.tokens(fixture)
                let story = try await AuditLedger.story(fixture)
                for path in Self.routes + ["/api/v1/promotions/\(story.prod.id)"] {
                    let none = try await fixture.get(path, token: nil)
                    #expect(none.status == 401, "\(path): \(none.body)")
                    #expect(none.code == "unauthorized")
                    #expect(none.headers["WWW-Authenticate"].first?.hasPrefix("Bearer") == true, "\(path)")
                    #expect(none.message.contains("Authorization: Bearer"), "\(path): \(none.message)")

                    let basic = try await fixture.send(.GET, path, headers: [("Authorization", "Basic YXVkcmV5OnB3")])
                    #expect(basic.status == 401, "\(path): \(basic.body)")
                    let bogus = try await fixture.get(path, token: "slw_" + String(repeating: "x", count: 40))
                    #expect(bogus.status == 401, "\(path): \(bogus.body)")
                    let revoked = try await fixture.get(path, token: tokens.revoked)
                    #expect(revoked.status == 401, "\(path): \(revoked.body)")
                    #expect(revoked.message.contains("revoked"), "\(path): \(revoked.message)")
                    let expired = try await fixture.get(path, token: tokens.expired)
                    #expect(expired.status == 401, "\(path): \(expired.body)")
                    #expect(expired.message.contains("expired"), "\(path): \(expired.message)")

                    let developer = try await fixture.get(path, token: tokens.developer)
                    #expect(developer.status == 403, "\(path): \(developer.body)")
                    #expect(developer.code == "forbidden")
                    #expect(developer.message.contains("auditors") && developer.message.contains("developers"), "\(path): \(developer.message)")

                    for reader in [tokens.auditor, tokens.releaseManager] {
                        let answer = try await fixture.get(path, token: reader)
                        #expect(answer.status == 200, "\(path): \(answer.body)")
                    }
                }
                // The secrets never reach the server's output.
                for secret in [tokens.auditor, tokens.developer, tokens.revoked, tokens.expired] {
                    #expect(!fixture.server.output.contains(secret))
                }
            }
        }

        @Test("--reader-group replaces who may read")
        func readerGroups() async throws {
            try await ServeFixture.with(arguments: ["--reader-group", "developers", "--reader-group", "sre"], waitForFirstRun: false) { fixture in
                let tokens = try await AuditLedger.tokens(fixture)
                #expect(try await fixture.get("/api/v1/promotions", token: tokens.developer).status == 200)
                let auditor = try await fixture.get("/api/v1/promotions", token: tokens.auditor)
                #expect(auditor.status == 403, "\(auditor.body)")
                #expect(auditor.message.contains("developers, sre"), "\(auditor.message)")
            }
        }

        @Test("promotions: newest first, every filter, cursors through every page, and 400 for bad parameters")
        func promotions() async throws {
            try await ServeFixture.with { fixture in
                let tokens = try await AuditLedger.tokens(fixture)
                let story = try await AuditLedger.story(fixture)
                try await AuditLedger.bulk(fixture, count: 120)
                let token = tokens.auditor
                func ids(_ query: String) async throws -> [Int64] {
                    let answer = try await fixture.get("/api/v1/promotions?limit=500&" + query, token: token)
                    #expect(answer.status == 200, "\(query): \(answer.body)")
                    return try answer.items().compactMap { ($0["id"] as? NSNumber)?.int64Value }
                }

                // Default page: 50, newest first, and a cursor; following it visits every promotion once.
                let first = try await fixture.get("/api/v1/promotions", token: token)
                let firstBody = try first.json()
                #expect(try first.items().count == 50)
                #expect(firstBody.keys.sorted() == ["items", "nextCursor"])
                var seen: [Int64] = []
                var cursor: String? = nil
                repeat {
                    let path = "/api/v1/promotions?limit=50" + (cursor.map { "&cursor=" + $0 } ?? "")
                    let page = try await fixture.get(path, token: token)
                    #expect(page.status == 200, "\(page.body)")
                    seen += try page.items().compactMap { ($0["id"] as? NSNumber)?.int64Value }
                    cursor = try page.json()["nextCursor"] as? String
                } while cursor != nil && seen.count < 1000
                #expect(seen.count == 122)
                #expect(seen == seen.sorted(by: >))
                #expect(Set(seen).count == seen.count)
                let last = try await fixture.get("/api/v1/promotions?limit=22&cursor=p\(seen[99] )", token: token)
                #expect(try last.json()["nextCursor"] is NSNull, "the last page has a null nextCursor: \(last.body)")

                // Each filter.
                let (prod, staging) = (story.prod.id, story.staging.id)
                #expect(try await ids("environment=prod") == [prod])
                #expect(try await ids("pipeline=ledger-app") == [prod, staging])
                #expect(try await ids("status=rolled_back") == [prod])
                #expect(try await ids("actor=sam") == [prod], "an approver is an actor")
                #expect(try await ids("actor=ci&pipeline=ledger-app") == [prod, staging])
                // An actor's promotions page by page: each page the newest of what the last one left.
                var byCI: [Int64] = []
                var next: String? = nil
                repeat {
                    let page = try await fixture.get("/api/v1/promotions?actor=ci&limit=7" + (next.map { "&cursor=" + $0 } ?? ""), token: token)
                    byCI += try page.items().compactMap { ($0["id"] as? NSNumber)?.int64Value }
                    next = try page.json()["nextCursor"] as? String
                } while next != nil && byCI.count < 1000
                #expect(byCI == seen, "ci triggered every promotion")
                #expect(try await ids("commit=ADA0") == [prod, staging], "a prefix, in either case")
                #expect(try await ids("commit=" + AuditLedger.sha("ada0")) == [prod, staging])
                #expect(try await ids("since=2026-01-01T01:00:00Z&until=2026-01-01T01:10:00Z").count == 10)
                #expect(try await ids("since=2026-01-01T01:00:00.000Z&until=2026-01-01T01:10:00.5Z").count == 11)
                #expect(try await ids("until=" + encoded("2026-01-01T02:00:00+01:00")).count == 59, "an offset: 01:00 UTC")
                #expect(try await ids("since=2026-01-02&pipeline=bulk") == [])
                #expect(try await ids("since=2026-01-02") == [prod, staging])
                #expect(try await ids("environment=prod&status=succeeded") == [])

                // Injection strings are values like any other: they match nothing and break nothing.
                for attack in ["prod' OR '1'='1", "'; DROP TABLE promotions; --", #"\" OR 1=1 --"#, "%' OR 'x' LIKE '%"] {
                    #expect(try await ids("environment=" + encoded(attack)) == [], "\(attack)")
                    #expect(try await ids("actor=" + encoded(attack)) == [], "\(attack)")
                    #expect(try await ids("pipeline=" + encoded(attack)) == [], "\(attack)")
                }
                #expect(try await ids("").count == 122)

                // Bad parameters: 400, saying what to send.
                for (query, says) in [
                    ("limit=0", "limit must be a whole number from 1 to 500"), ("limit=501", "from 1 to 500"), ("limit=ten", "'ten'"),
                    ("cursor=zzz", "nextCursor of the previous page"), ("cursor=r5", "cursor 'r5'"),
                    ("since=yesterday", "2026-11-23T14:00:00Z"), ("until=2026-13-01", "not an ISO-8601 time"),
                    ("since=2026-02-01&until=2026-01-01", "since must be before until"),
                    ("status=done", "rolled_back"), ("commit=xyz", "hexadecimal"), ("commit=abc", "4 to 40"),
                    ("enviroment=prod", "unknown query parameter 'enviroment'"), ("environment=", "environment is empty"),
                    ("environment=a&environment=b", "given twice"),
                ] {
                    let answer = try await fixture.get("/api/v1/promotions?" + query, token: token)
                    #expect(answer.status == 400, "\(query): \(answer.body)")
                    #expect(answer.code == "bad_parameter", "\(query)")
                    #expect(answer.message.contains(says), "\(query): \(answer.message)")
                }
            }
        }

        @Test("a promotion's story: release, artifacts, scans, model, gate, steps, checks with evidence, approvals, rollback cause, events; 404 and 400")
        func story() async throws {
            try await ServeFixture.with { fixture in
                let tokens = try await AuditLedger.tokens(fixture)
                let story = try await AuditLedger.story(fixture)
                let answer = try await fixture.get("/api/v1/promotions/\(story.prod.id)", token: tokens.releaseManager)
                #expect(answer.status == 200, "\(answer.body)")
                let body = try answer.json()

                let promotion = try #require(body["promotion"] as? [String: Any])
                #expect(promotion["status"] as? String == "rolled_back")
                #expect(promotion["environment"] as? String == "prod")
                #expect(promotion["reason"] as? String == AuditLedger.rollbackCause)
                #expect(body["rollbackCause"] as? String == AuditLedger.rollbackCause)
                #expect((promotion["createdAt"] as? String)?.hasSuffix("Z") == true, "times are ISO-8601 UTC: \(promotion)")

                let release = try #require(body["release"] as? [String: Any])
                let run = try #require(release["run"] as? [String: Any])
                #expect(run["commitSHA"] as? String == AuditLedger.sha("ada0"))
                #expect(run["commitAuthor"] as? String == "Ada <ada@example.com>")
                let artifacts = try #require(release["artifacts"] as? [[String: Any]])
                #expect(artifacts.map { $0["digest"] as? String } == [AuditLedger.artifactDigest])
                let scans = try #require(release["scans"] as? [[String: Any]])
                #expect(scans.first?["status"] as? String == "passed")
                #expect(scans.first?["reportDigest"] as? String == AuditLedger.reportDigest)
                #expect((release["promotions"] as? [[String: Any]])?.count == 2, "the release's promotions to staging and prod")
                let model = try #require(body["model"] as? [String: Any])
                #expect(model["digest"] as? String == AuditLedger.modelDigest)
                #expect(model["name"] as? String == "sim-small:ada0")

                let gate = try #require(body["gateRequirements"] as? [String: Any], "\(body.keys.sorted())")
                #expect(String(describing: gate).contains("release-managers"))

                let steps = try #require(body["steps"] as? [[String: Any]])
                #expect(steps.map { $0["kind"] as? String } == ["gate", "model", "smoke", "analysis"])
                #expect(steps.map { $0["status"] as? String } == ["succeeded", "succeeded", "succeeded", "failed"])
                for step in steps {
                    #expect(step["startedAt"] is String && step["finishedAt"] is String, "\(step)")
                }
                let checks = try #require(body["checks"] as? [[String: Any]])
                #expect(checks.map { $0["name"] as? String } == ["smoke preview", "analysis error-rate"])
                #expect(checks.map { $0["status"] as? String } == ["succeeded", "failed"])
                #expect((checks.last?["evidence"] as? [String: Any])?["maximum"] as? Double == 0.01)
                #expect(checks.last?["note"] as? String == AuditLedger.rollbackCause)

                let approvals = try #require(body["approvals"] as? [[String: Any]])
                #expect(approvals.map { $0["user"] as? String } == ["rita", "sam"])
                #expect(approvals.first?["comment"] as? String == "canary numbers look fine")
                #expect(approvals.first?["verdict"] as? String == "approved")
                #expect(approvals.first?["createdAt"] is String)
                #expect(approvals.last?["breakGlass"] as? Bool == true)
                #expect(approvals.last?["reason"] as? String == "security fix CVE-2026-0001")

                let events = try #require(body["events"] as? [[String: Any]])
                let kinds = events.compactMap { $0["kind"] as? String }
                for kind in ["promotion.created", "promotion.planned", "step.started", "step.finished", "approval.approved", "approval.break_glass", "promotion.status"] {
                    #expect(kinds.contains(kind), "no \(kind) in \(kinds)")
                }
                #expect(events.allSatisfy { $0["subject"] as? String == "promotion/\(story.prod.id)" })
                let seqs = events.compactMap { ($0["seq"] as? NSNumber)?.int64Value }
                #expect(seqs == seqs.sorted() && seqs.count == events.count)
                #expect((events.last?["payload"] as? [String: Any])?["to"] as? String == "rolled_back", "payloads are JSON")

                // A promotion without a gate, not rolled back.
                let staging = try await fixture.get("/api/v1/promotions/\(story.staging.id)", token: tokens.auditor).json()
                #expect(staging["gateRequirements"] == nil)
                #expect(staging["rollbackCause"] == nil)
                #expect((staging["steps"] as? [Any])?.isEmpty == true)

                let unknown = try await fixture.get("/api/v1/promotions/999999", token: tokens.auditor)
                #expect(unknown.status == 404, "\(unknown.body)")
                #expect(unknown.code == "not_found")
                #expect(unknown.message.contains("no promotion 999999"))
                for bad in ["abc", "12abc", "-1", "99999999999999999999", "1.5"] {
                    let answer = try await fixture.get("/api/v1/promotions/\(bad)", token: tokens.auditor)
                    #expect(answer.status == 400, "\(bad): \(answer.body)")
                    #expect(answer.message.contains("not a promotion id"), "\(bad): \(answer.message)")
                }
            }
        }

        @Test("runs: newest first, filters by pipeline, status and commit, cursors, 400 for bad parameters")
        func runs() async throws {
            try await ServeFixture.with { fixture in
                let tokens = try await AuditLedger.tokens(fixture)
                let story = try await AuditLedger.story(fixture)
                try await AuditLedger.bulk(fixture, count: 60)
                let head = try fixture.repository.git("rev-parse", "HEAD")
                func runs(_ query: String) async throws -> [[String: Any]] {
                    let answer = try await fixture.get("/api/v1/runs?" + query, token: tokens.auditor)
                    #expect(answer.status == 200, "\(query): \(answer.body)")
                    return try answer.items()
                }
                #expect(try await runs("pipeline=ledger-app").compactMap { ($0["id"] as? NSNumber)?.int64Value } == [story.run.id])
                let failed = try await runs("status=failed")
                #expect(failed.map { $0["commitSHA"] as? String } == [head], "the fixture's first run fails its build")
                #expect(failed.first?["trigger"] as? String == "poll")
                #expect(try await runs("commit=ADA0").count == 1)
                #expect(try await runs("pipeline=" + encoded("app' OR '1'='1")).isEmpty)

                var seen: [Int64] = []
                var cursor: String? = nil
                repeat {
                    let page = try await fixture.get("/api/v1/runs?limit=25" + (cursor.map { "&cursor=" + $0 } ?? ""), token: tokens.auditor)
                    seen += try page.items().compactMap { ($0["id"] as? NSNumber)?.int64Value }
                    cursor = try page.json()["nextCursor"] as? String
                } while cursor != nil && seen.count < 1000
                #expect(seen.count == 62)
                #expect(seen == seen.sorted(by: >))

                for (query, says) in [
                    ("cursor=p5", "cursor 'p5'"), ("status=rolled_back", "cancelled"), ("limit=1000", "from 1 to 500"),
                    ("environment=prod", "unknown query parameter 'environment'"),
                ] {
                    let answer = try await fixture.get("/api/v1/runs?" + query, token: tokens.auditor)
                    #expect(answer.status == 400, "\(query): \(answer.body)")
                    #expect(answer.message.contains(says), "\(query): \(answer.message)")
                }
            }
        }

        @Test("audit/verify: the chain's head and count; expectHead found or not; a changed event is the first break")
        func verify() async throws {
            try await ServeFixture.with { fixture in
                let tokens = try await AuditLedger.tokens(fixture)
                _ = try await AuditLedger.story(fixture)
                let answer = try await fixture.get("/api/v1/audit/verify", token: tokens.auditor)
                #expect(answer.status == 200, "\(answer.body)")
                let report = try answer.json()
                #expect(report["ok"] as? Bool == true)
                #expect(report["intact"] as? Bool == true)
                #expect(report["firstBreak"] is NSNull)
                let head = try #require(report["headHash"] as? String)
                let checked = try #require((report["events"] as? NSNumber)?.int64Value)
                #expect(checked > 20)
                let seq = try await TestDatabase.column("SELECT seq::text FROM events WHERE hash = '\(head)'", on: fixture.database)
                #expect(seq == ["\(checked)"], "the head is the hash of the last event checked")

                let expected = try await fixture.get("/api/v1/audit/verify?expectHead=\(head.uppercased())", token: tokens.auditor).json()
                #expect(expected["ok"] as? Bool == true)
                #expect(expected["expectedHeadFound"] as? Bool == true)
                let missing = try await fixture.get("/api/v1/audit/verify?expectHead=\(String(repeating: "f", count: 64))", token: tokens.auditor).json()
                #expect(missing["ok"] as? Bool == false)
                #expect(missing["intact"] as? Bool == true)
                #expect(missing["expectedHeadFound"] as? Bool == false)
                #expect((missing["message"] as? String)?.contains("events were removed") == true)
                let short = try await fixture.get("/api/v1/audit/verify?expectHead=abc", token: tokens.auditor)
                #expect(short.status == 400)
                #expect(short.message.contains("64-character"))

                try await TestDatabase.execute(
                    "SET session_replication_role = replica", "UPDATE events SET actor = 'mallory' WHERE seq = 2", on: fixture.database
                )
                let broken = try await fixture.get("/api/v1/audit/verify", token: tokens.auditor).json()
                #expect(broken["ok"] as? Bool == false)
                #expect(broken["intact"] as? Bool == false)
                let firstBreak = try #require(broken["firstBreak"] as? [String: Any])
                #expect((firstBreak["seq"] as? NSNumber)?.int64Value == 2)
                #expect((firstBreak["reason"] as? String)?.contains("altered") == true)
                #expect((broken["message"] as? String)?.contains("broken at event 2") == true)
            }
        }

        @Test("export: CSV with a header and RFC 4180 quoting, JSON, every match past one ledger page, as an attachment")
        func export() async throws {
            try await ServeFixture.with { fixture in
                let tokens = try await AuditLedger.tokens(fixture)
                let story = try await AuditLedger.story(fixture)
                try await AuditLedger.bulk(fixture, count: 1203)
                let quoted = "he said \"no\",\nthen left"
                try await TestDatabase.execute(
                    "UPDATE promotions SET reason = 'he said \"no\",' || E'\\n' || 'then left' WHERE release_id = 'bulk-7'", on: fixture.database
                )

                let csv = try await fixture.get("/api/v1/promotions/export?format=csv&pipeline=bulk", token: tokens.auditor)
                #expect(csv.status == 200, "\(csv.body)")
                #expect(csv.headers["Content-Type"].first?.hasPrefix("text/csv") == true)
                let disposition = csv.headers["Content-Disposition"].first ?? ""
                #expect(disposition.hasPrefix("attachment; filename=\"promotions-") && disposition.hasSuffix(".csv\""), "\(disposition)")
                let lines = csv.body.components(separatedBy: "\r\n")
                #expect(lines.first == "id,run_id,pipeline,environment,status,commit,release,strategy,triggered_by,created_at,started_at,finished_at,reason")
                #expect(lines.last == "", "every record ends with CRLF")
                #expect(lines.count == 1 + 1203 + 1, "a header, 1203 promotions (two ledger pages) and the final CRLF")
                #expect(csv.body.contains("\"" + quoted.replacingOccurrences(of: "\"", with: "\"\"") + "\""), "quotes doubled, the field quoted")
                let ids = lines.dropFirst().compactMap { Int64($0.split(separator: ",").first ?? "") }
                #expect(ids == ids.sorted(by: >))

                let prod = try await fixture.get("/api/v1/promotions/export?format=csv&environment=prod", token: tokens.auditor)
                let row = prod.body.components(separatedBy: "\r\n")[1]
                #expect(row.hasPrefix("\(story.prod.id),\(story.run.id),ledger-app,prod,rolled_back,\(AuditLedger.sha("ada0")),ledger-app-ada0,canary,ci,"), "\(row)")
                #expect(row.hasSuffix(",\"\(AuditLedger.rollbackCause)\""), "a reason with a comma is quoted: \(row)")

                let json = try await fixture.get("/api/v1/promotions/export?format=json&pipeline=bulk", token: tokens.auditor)
                #expect(json.status == 200)
                #expect(json.headers["Content-Type"].first?.hasPrefix("application/json") == true)
                #expect(json.headers["Content-Disposition"].first?.hasSuffix(".json\"") == true)
                let items = try json.items()
                #expect(items.count == 1203)
                #expect(items.contains { $0["reason"] as? String == quoted })
                let small = try await fixture.get("/api/v1/promotions/export?format=json&pipeline=ledger-app", token: tokens.auditor)
                #expect(try small.items().compactMap { ($0["id"] as? NSNumber)?.int64Value } == [story.prod.id, story.staging.id])
                let none = try await fixture.get("/api/v1/promotions/export?format=json&pipeline=nothing", token: tokens.auditor)
                #expect(try none.items().isEmpty)

                for (query, says) in [("format=xml", "csv, json"), ("format=csv&limit=5", "unknown query parameter 'limit'"), ("since=soon", "ISO-8601")] {
                    let answer = try await fixture.get("/api/v1/promotions/export?" + query, token: tokens.auditor)
                    #expect(answer.status == 400, "\(query): \(answer.body)")
                    #expect(answer.message.contains(says), "\(query): \(answer.message)")
                }
            }
        }

        @Test("/openapi.json describes the audit routes, and every reference resolves")
        func openAPI() async throws {
            try await ServeFixture.with(waitForFirstRun: false) { fixture in
                let answer = try await fixture.send(.GET, "/openapi.json")
                let document = try answer.json()
                let paths = try #require(document["paths"] as? [String: Any])
                for path in Self.routes + ["/api/v1/promotions/{id}"] {
                    let item = try #require(paths[path] as? [String: Any], "\(path) is not described")
                    let get = try #require(item["get"] as? [String: Any])
                    #expect((get["security"] as? [[String: Any]])?.first?["bearerToken"] != nil, "\(path)")
                    let responses = try #require(get["responses"] as? [String: Any])
                    for status in ["200", "401", "403"] { #expect(responses[status] != nil, "\(path) \(status)") }
                }
                let schemas = ((document["components"] as? [String: Any])?["schemas"] as? [String: Any]) ?? [:]
                for reference in answer.body.matches(of: /"#\/components\/(schemas|responses)\/([A-Za-z]+)"/) {
                    let section = ((document["components"] as? [String: Any])?[String(reference.1)] as? [String: Any]) ?? [:]
                    #expect(section[String(reference.2)] != nil, "\(reference.1)/\(reference.2) is referenced but not defined")
                }
                #expect(schemas["PromotionStory"] != nil && schemas["ChainReport"] != nil)
            }
        }
    }
}

/// `value` percent-encoded for a query string.
private func encoded(_ value: String) -> String {
    value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
}

extension ServeFixture {
    /// An answer with its headers.
    struct HeadedAnswer: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: String

        func json() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], "not a JSON object: \(body)")
        }

        /// The `items` of a list or an export.
        func items() throws -> [[String: Any]] {
            try #require(try json()["items"] as? [[String: Any]], "no items: \(body)")
        }

        var code: String? { ((try? json())?["error"] as? [String: Any])?["code"] as? String }
        var message: String { ((try? json())?["error"] as? [String: Any])?["message"] as? String ?? body }
    }

    /// `GET path` with `Authorization: Bearer token` (none when nil).
    func get(_ path: String, token: String?) async throws -> HeadedAnswer {
        var request = HTTPClientRequest(url: baseURL + path)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return HeadedAnswer(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }
}
