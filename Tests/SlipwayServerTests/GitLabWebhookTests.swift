import Foundation
import SlipwayTestSupport
import Testing

extension SlipwayServe {
    /// `POST /hooks/gitlab` against a real `slipway serve`.
    @Suite("GitLab webhooks")
    struct GitLabWebhookTests {
        static func push(ref: String = "refs/heads/main") -> String {
            #"{"object_kind": "push", "event_name": "push", "ref": "\#(ref)", "after": "\#(String(repeating: "beef", count: 10))", "user_username": "ada"}"#
        }

        @Test("the right token runs the tip; a wrong or missing one gets 401 and runs nothing")
        func tokens() async throws {
            try await ServeFixture.with { fixture in
                let tip = try fixture.commitChange()
                for token in [nil, "wrong-token", ServeFixture.gitlabToken.uppercased()] {
                    let refused = try await fixture.gitlab(body: Self.push(), token: token)
                    #expect(refused.status == 401, "\(String(describing: token)): \(refused.body)")
                    #expect(refused.code == "unauthorized")
                }
                try await ServeFixture.settle()
                #expect(try await fixture.run(of: tip) == nil)
                #expect(try await fixture.deliveries().isEmpty)
                #expect(!fixture.server.output.contains(ServeFixture.gitlabToken), "the token reached the log")

                let accepted = try await fixture.gitlab(body: Self.push(), idempotencyKey: "gl-1")
                #expect(accepted.status == 202, "\(accepted.body)")
                #expect(accepted.code == "triggered")
                #expect(try await fixture.waitForRun(of: tip)?.trigger == "webhook")
                #expect(try await fixture.run(of: String(repeating: "beef", count: 10)) == nil)
            }
        }

        @Test("GitLab's retry (same Idempotency-Key) does nothing new; other branches are ignored; a delivery without an id or with bad JSON is refused")
        func duplicatesAndBadInput() async throws {
            try await ServeFixture.with { fixture in
                let first = try fixture.commitChange("first")
                #expect(try await fixture.gitlab(body: Self.push(), idempotencyKey: "retried").status == 202)
                #expect(try await fixture.waitForRun(of: first) != nil)
                let second = try fixture.commitChange("second")
                let retry = try await fixture.gitlab(body: Self.push(), idempotencyKey: "retried")
                #expect(retry.status == 200 && retry.code == "duplicate")
                let other = try await fixture.gitlab(body: Self.push(ref: "refs/heads/develop"))
                #expect(other.status == 202 && other.code == "ignored")
                let noID = try await fixture.gitlab(body: Self.push(), idempotencyKey: nil)
                #expect(noID.status == 400)
                let bad = try await fixture.gitlab(body: #"{"object_kind": "push", "ref": "#)
                #expect(bad.status == 400 && bad.code == "malformed")
                let byUUID = try await fixture.send(.POST, "/hooks/gitlab", body: Self.push(ref: "refs/heads/develop"), headers: [
                    ("X-Gitlab-Event", "Push Hook"), ("X-Gitlab-Token", ServeFixture.gitlabToken), ("X-Gitlab-Event-UUID", "uuid-7"),
                ])
                #expect(byUUID.status == 202)
                try await ServeFixture.settle()
                #expect(try await fixture.run(of: second) == nil)
                let deliveries = try await fixture.deliveries()
                #expect(deliveries.count == 3 && deliveries.first == "gitlab/retried/triggered" && deliveries.last == "gitlab/uuid-7/ignored")
            }
        }
    }
}
