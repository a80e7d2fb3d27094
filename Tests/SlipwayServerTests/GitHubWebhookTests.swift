import Foundation
import SlipwayTestSupport
import Testing

extension SlipwayServe {
    /// `POST /hooks/github` against a real `slipway serve`, PostgreSQL and git repository.
    @Suite("GitHub webhooks")
    struct GitHubWebhookTests {
        @Test("a signed push to main is answered 202 at once and runs the tip read from git, not the payload's `after`")
        func pushRunsTheTip() async throws {
            try await ServeFixture.with { fixture in
                let tip = try fixture.commitChange()
                let bogus = String(repeating: "dead", count: 10)
                let answer = try await fixture.github(event: "push", body: ServeFixture.githubPush(after: bogus), delivery: "push-1")
                #expect(answer.status == 202, "\(answer.body)")
                #expect(answer.code == "triggered")
                // Well inside GitHub's 10 s (the figure is scripts/bench-webhook.sh's; a busy machine stretches it).
                #expect(answer.elapsed < .seconds(5), "the answer took \(answer.elapsed)")

                let run = try await fixture.waitForRun(of: tip)
                #expect(run?.trigger == "webhook", "no run for the real tip: \(fixture.server.output)")
                #expect(try await fixture.run(of: bogus) == nil)
                #expect(try await fixture.runCount() == 2)
                #expect(try await fixture.deliveries() == ["github/push-1/triggered"])
                let recorded = try await TestDatabase.column(
                    "SELECT event || ' ' || ref || ' ' || body_digest FROM webhook_deliveries", on: fixture.database
                )
                #expect(recorded.first??.hasPrefix("push refs/heads/main sha256:") == true)
                // Who pushed which commit is kept: the pusher may not approve a release bringing it.
                let pushed = try await TestDatabase.column(
                    "SELECT after_sha || ' ' || array_to_string(pushers, ',') FROM webhook_deliveries", on: fixture.database
                )
                #expect(pushed == ["\(bogus) ada"])
            }
        }

        @Test("badly signed or unsigned deliveries get 401: nothing is recorded and nothing runs")
        func badSignatures() async throws {
            try await ServeFixture.with { fixture in
                let tip = try fixture.commitChange()
                let body = ServeFixture.githubPush()
                let attempts: [String?] = [
                    nil,
                    ServeFixture.githubSignature(body, secret: "a guessed secret"),
                    ServeFixture.githubSignature(body + "\n"),
                    "sha256=" + String(repeating: "0", count: 64),
                    "sha1=" + String(repeating: "0", count: 40),
                ]
                for (index, signature) in attempts.enumerated() {
                    let answer = try await fixture.github(event: "push", body: body, delivery: "bad-\(index)", signature: .some(signature))
                    #expect(answer.status == 401, "\(String(describing: signature)): \(answer.body)")
                    #expect(answer.code == "unauthorized")
                }
                try await ServeFixture.settle()
                #expect(try await fixture.run(of: tip) == nil, "a run started without a valid signature")
                #expect(try await fixture.deliveries().isEmpty)
                #expect(!fixture.server.output.contains(ServeFixture.githubSecret), "the secret reached the log")

                // The same push, signed: the tip was runnable all along.
                let signed = try await fixture.github(event: "push", body: body, delivery: "good")
                #expect(signed.status == 202)
                #expect(try await fixture.waitForRun(of: tip)?.trigger == "webhook")
            }
        }

        @Test("ping is answered pong; pushes to other branches and other events are ignored with a message")
        func pingAndIgnoredEvents() async throws {
            try await ServeFixture.with { fixture in
                let ping = try await fixture.github(event: "ping", body: #"{"zen": "Design for failure.", "hook_id": 42}"#, delivery: "ping-1")
                #expect(ping.status == 200)
                #expect(ping.code == "pong")

                let tip = try fixture.commitChange()
                let feature = try await fixture.github(event: "push", body: ServeFixture.githubPush(ref: "refs/heads/feature"), delivery: "feature-1")
                #expect(feature.status == 202)
                #expect(feature.code == "ignored")
                #expect(feature.message.contains("refs/heads/feature"), "\(feature.message)")
                let tag = try await fixture.github(event: "push", body: ServeFixture.githubPush(ref: "refs/tags/v1.0.0"), delivery: "tag-1")
                #expect(tag.code == "ignored")
                let issue = try await fixture.github(event: "issues", body: #"{"action": "opened"}"#, delivery: "issue-1")
                #expect(issue.status == 202 && issue.code == "ignored")
                try await ServeFixture.settle()
                #expect(try await fixture.run(of: tip) == nil, "an ignored delivery started a run")
                #expect(try await fixture.deliveries() == [
                    "github/ping-1/pong", "github/feature-1/ignored", "github/tag-1/ignored", "github/issue-1/ignored",
                ])
            }
        }

        @Test("a delivery sent again (a redelivery or a replayed capture) is answered 200 and does nothing new")
        func duplicateDelivery() async throws {
            try await ServeFixture.with { fixture in
                let first = try fixture.commitChange("first")
                let body = ServeFixture.githubPush()
                let original = try await fixture.github(event: "push", body: body, delivery: "replayed")
                #expect(original.status == 202)
                #expect(try await fixture.waitForRun(of: first) != nil)

                let second = try fixture.commitChange("second")
                let replay = try await fixture.github(event: "push", body: body, delivery: "replayed")
                #expect(replay.status == 200)
                #expect(replay.code == "duplicate")
                #expect(replay.message == "duplicate delivery; nothing done")
                try await ServeFixture.settle()
                #expect(try await fixture.run(of: second) == nil, "the replay woke the watcher")
                #expect(try await fixture.deliveries() == ["github/replayed/triggered"])

                let fresh = try await fixture.github(event: "push", body: body, delivery: "fresh")
                #expect(fresh.status == 202)
                #expect(try await fixture.waitForRun(of: second)?.trigger == "webhook")
            }
        }

        @Test("a signed delivery with malformed JSON or no delivery id gets 400, an oversized one 413; nothing is recorded")
        func malformedAndOversized() async throws {
            try await ServeFixture.with(arguments: ["--max-body-bytes", "4096"]) { fixture in
                let tip = try fixture.commitChange()
                let broken = #"{"ref": "refs/heads/main", "#
                let malformed = try await fixture.github(event: "push", body: broken)
                #expect(malformed.status == 400)
                #expect(malformed.code == "malformed")
                let noRef = try await fixture.github(event: "push", body: #"{"after": "abc"}"#)
                #expect(noRef.status == 400)
                let body = ServeFixture.githubPush()
                let anonymous = try await fixture.send(.POST, "/hooks/github", body: body, headers: [
                    ("X-GitHub-Event", "push"), ("X-Hub-Signature-256", ServeFixture.githubSignature(body)), ("Content-Type", "application/json"),
                ])
                #expect(anonymous.status == 400)
                #expect(anonymous.message.contains("X-GitHub-Delivery"))

                let huge = #"{"ref": "refs/heads/main", "padding": "\#(String(repeating: "x", count: 8192))"}"#
                let oversized = try await fixture.github(event: "push", body: huge)
                #expect(oversized.status == 413)
                #expect(oversized.code == "too_large")
                try await ServeFixture.settle()
                #expect(try await fixture.run(of: tip) == nil)
                #expect(try await fixture.deliveries().isEmpty)
                // The server is fine afterwards.
                #expect(try await fixture.send(.GET, "/healthz").status == 200)
            }
        }

        @Test("the default limit: a body over 1 MiB is refused with 413")
        func defaultBodyLimit() async throws {
            try await ServeFixture.with(waitForFirstRun: false) { fixture in
                let huge = #"{"ref": "refs/heads/main", "padding": "\#(String(repeating: "x", count: (1 << 20) + 1))"}"#
                let oversized = try await fixture.github(event: "push", body: huge)
                #expect(oversized.status == 413)
                let fine = #"{"ref": "refs/heads/main", "padding": "\#(String(repeating: "x", count: 900_000))"}"#
                #expect(try await fixture.github(event: "push", body: fine).status == 202)
            }
        }

        @Test("without SLIPWAY_GITHUB_WEBHOOK_SECRET the route answers 404 and runs nothing")
        func notConfigured() async throws {
            try await ServeFixture.with(environment: ["-u", "SLIPWAY_GITHUB_WEBHOOK_SECRET", "-u", "SLIPWAY_GITLAB_WEBHOOK_TOKEN"]) { fixture in
                let tip = try fixture.commitChange()
                let answer = try await fixture.github(event: "push", body: ServeFixture.githubPush())
                #expect(answer.status == 404)
                #expect(answer.code == "not_configured")
                #expect(fixture.server.output.contains("/hooks/github off"))
                try await ServeFixture.settle()
                #expect(try await fixture.run(of: tip) == nil)
            }
        }
    }
}
