import Foundation
import SlipwayCore
import SlipwayEngine
import Testing

/// Which progress reports make a notification, and what its message says: pure, no I/O.
@Suite("notification messages")
struct NotificationMessageTests {
    static let release = NotifiedRelease(
        pipeline: "model-serve", release: "model-serve-2f5cc083c565", commit: "2f5cc083c5650a1b2c3d4e5f60718293a4b5c6d7"
    )

    static func promotion(_ event: PromotionProgress.Event, id: Int64 = 3, in environment: String = "prod") -> RunProgress {
        .promotion(PromotionProgress(promotionID: id, environment: environment, event: event))
    }

    /// The body as JSON, and its `slipway` object.
    static func decoded(_ message: NotificationMessage) throws -> (body: [String: Any], slipway: [String: Any]) {
        let body = try #require(try JSONSerialization.jsonObject(with: message.json()) as? [String: Any])
        return (body, try #require(body["slipway"] as? [String: Any]))
    }

    @Test("a waiting gate, and a promotion that succeeded, failed or was rolled back, each make their event; nothing else does")
    func triggers() {
        let gate = NotificationTrigger(Self.promotion(.stepWaiting(ordinal: 1, name: "gate after staging", note: "approvals: 0 of 2")))
        #expect(gate == NotificationTrigger(event: .gateWaiting, promotionID: 3, environment: "prod", detail: "approvals: 0 of 2"))
        #expect(NotificationTrigger(Self.promotion(.promotionFinished(.succeeded, nil)))?.event == .promotionSucceeded)
        #expect(NotificationTrigger(Self.promotion(.promotionFinished(.failed, "rejected by bob")))
            == NotificationTrigger(event: .promotionFailed, promotionID: 3, environment: "prod", detail: "rejected by bob"))
        #expect(NotificationTrigger(Self.promotion(.promotionFinished(.rolledBack, "smoke: 500")))?.event == .promotionRolledBack)

        let quiet: [RunProgress] = [
            .runStarted(runID: 1, pipeline: "model-serve", commit: "2f5cc083c565", resumed: false),
            .build(.stepFinished(step: "compile", duration: .seconds(1), succeeded: true)),
            .runFailed(runID: 1, reason: "build failed"),
            .waitingForEnvironment(environment: "prod"),
            Self.promotion(.stepStarted(ordinal: 1, name: "gate after staging", attempt: 1)),
            Self.promotion(.stepWaiting(ordinal: 4, name: "pause", note: "paused until slipway promote")),
            Self.promotion(.stepFinished(ordinal: 1, name: "gate after staging", status: .succeeded, note: nil)),
            Self.promotion(.promotionFinished(.superseded, "a newer release")),
            Self.promotion(.promotionFinished(.aborted, nil)),
        ]
        #expect(quiet.compactMap(NotificationTrigger.init).isEmpty)
    }

    @Test("succeeded: the text names the release, environment, pipeline, promotion and short commit; slipway has every field")
    func succeeded() throws {
        let message = NotificationMessage(
            NotificationTrigger(event: .promotionSucceeded, promotionID: 3, environment: "prod"), release: Self.release
        )
        #expect(message.text == "model-serve-2f5cc083c565 succeeded in prod (pipeline model-serve, promotion 3, commit 2f5cc083c565)")
        let (body, slipway) = try Self.decoded(message)
        #expect(body["text"] as? String == message.text)
        #expect(slipway["event"] as? String == "promotion.succeeded")
        #expect(slipway["pipeline"] as? String == "model-serve")
        #expect(slipway["environment"] as? String == "prod")
        #expect(slipway["promotion"] as? Int == 3)
        #expect(slipway["release"] as? String == "model-serve-2f5cc083c565")
        #expect(slipway["commit"] as? String == Self.release.commit)
        #expect(slipway["reason"] == nil && slipway["url"] == nil)
        let blocks = try #require(body["blocks"] as? [[String: Any]])
        #expect(blocks.map { $0["type"] as? String } == ["section", "context"])
        let section = try #require(blocks[0]["text"] as? [String: Any])
        #expect(section["type"] as? String == "mrkdwn")
        #expect(section["text"] as? String == "*model-serve-2f5cc083c565 succeeded in prod*")
        let context = try #require(blocks[1]["elements"] as? [[String: Any]])
        #expect(context.first?["text"] as? String == "pipeline model-serve · promotion 3 · commit 2f5cc083c565")
    }

    @Test("failed, rolled back and a waiting gate say why, or what the gate waits for")
    func withDetail() throws {
        let failed = NotificationMessage(
            NotificationTrigger(event: .promotionFailed, promotionID: 4, environment: "prod", detail: "gate after staging: rejected by carol"),
            release: Self.release
        )
        #expect(failed.text == "model-serve-2f5cc083c565 failed in prod (pipeline model-serve, promotion 4, commit 2f5cc083c565)"
            + " — reason: gate after staging: rejected by carol")
        #expect(try Self.decoded(failed).slipway["reason"] as? String == "gate after staging: rejected by carol")

        let rolledBack = NotificationMessage(
            NotificationTrigger(event: .promotionRolledBack, promotionID: 5, environment: "staging", detail: "analysis: p95 4.85 above 2.5"),
            release: Self.release
        )
        #expect(rolledBack.text.hasPrefix("model-serve-2f5cc083c565 was rolled back in staging (pipeline model-serve, promotion 5"))
        #expect(rolledBack.text.hasSuffix(" — reason: analysis: p95 4.85 above 2.5"))
        #expect(try Self.decoded(rolledBack).slipway["event"] as? String == "promotion.rolled_back")

        let gate = NotificationMessage(
            NotificationTrigger(event: .gateWaiting, promotionID: 6, environment: "prod", detail: "approvals: 0 of 2 (needs group release-managers)"),
            release: Self.release
        )
        #expect(gate.text == "model-serve-2f5cc083c565 is waiting at the gate of prod (pipeline model-serve, promotion 6, commit 2f5cc083c565)"
            + " — waiting for: approvals: 0 of 2 (needs group release-managers)")
        let (_, slipway) = try Self.decoded(gate)
        #expect(slipway["event"] as? String == "gate.waiting")
        #expect(slipway["reason"] as? String == "approvals: 0 of 2 (needs group release-managers)")
    }

    @Test("without the ledger's details the message names the promotion, and leaves out what it does not know")
    func withoutRelease() throws {
        let message = NotificationMessage(NotificationTrigger(event: .promotionSucceeded, promotionID: 9, environment: "dev"), release: nil)
        #expect(message.text == "promotion 9 succeeded in dev (promotion 9)")
        let (_, slipway) = try Self.decoded(message)
        #expect(slipway["pipeline"] == nil && slipway["release"] == nil && slipway["commit"] == nil)
        #expect(slipway["promotion"] as? Int == 9)
    }

    @Test("a link, when given, is in the context line and the slipway fields")
    func link() throws {
        let message = NotificationMessage(
            NotificationTrigger(event: .promotionSucceeded, promotionID: 3, environment: "prod"), release: Self.release,
            link: "https://slipway.example/promotions/3"
        )
        let (body, slipway) = try Self.decoded(message)
        #expect(slipway["url"] as? String == "https://slipway.example/promotions/3")
        let context = try #require((body["blocks"] as? [[String: Any]])?.last?["elements"] as? [[String: Any]])
        #expect((context.first?["text"] as? String)?.hasSuffix(" · <https://slipway.example/promotions/3|details>") == true)
    }

    @Test("secrets in a reason never reach the body: credentials in URLs, bearer and API tokens, secret parameters, given values")
    func redaction() throws {
        let webhook = "https://hooks.slack.com/services/T0/B0/abcdefSECRETkey"
        let reason = """
            smoke: GET http://admin:hunter2@10.0.0.5:8080/ready answered 500; Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc; \
            token slw_AbCdEf0123456789 refused; https://api.example/x?api_key=k3y-value&page=2; password=pa55word; \
            posting to \(webhook) failed; the webhook secret It's-a-secret-to-everybody leaked
            """
        let redactor = SecretRedactor(secrets: [webhook, "It's-a-secret-to-everybody"])
        let message = NotificationMessage(
            NotificationTrigger(event: .promotionRolledBack, promotionID: 1, environment: "dev", detail: reason), release: Self.release,
            redactor: redactor
        )
        let body = String(decoding: message.json(), as: UTF8.self)
        for secret in ["hunter2", "eyJhbGciOiJIUzI1NiJ9", "slw_AbCdEf0123456789", "k3y-value", "pa55word", "abcdefSECRETkey", "It's-a-secret"] {
            #expect(!body.contains(secret), "\(secret) is in \(body)")
        }
        // What is not secret stays, so the reason still explains itself.
        let kept = try #require(try Self.decoded(message).slipway["reason"] as? String)
        #expect(kept.contains("smoke: GET http://[redacted]@10.0.0.5:8080/ready answered 500"), "\(kept)")
        #expect(kept.contains("page=2") && kept.contains("password=[redacted]"), "\(kept)")
    }

    @Test("Slack's special characters are escaped in text and blocks, not in the slipway fields; a long reason is cut")
    func escapingAndLength() throws {
        let message = NotificationMessage(
            NotificationTrigger(event: .promotionFailed, promotionID: 2, environment: "prod", detail: "p95 > 2.5 & <b>" + String(repeating: "x", count: 5000)),
            release: Self.release
        )
        #expect(message.text.contains("p95 &gt; 2.5 &amp; &lt;b&gt;"))
        #expect(!message.text.contains("<b>"))
        let reason = try #require(try Self.decoded(message).slipway["reason"] as? String)
        #expect(reason.hasPrefix("p95 > 2.5 & <b>"))
        #expect(reason.count == NotificationMessage.maxDetailLength)
        #expect(reason.hasSuffix("…"))
    }

    @Test("backoff doubles from the initial wait and stops at the maximum")
    func backoff() {
        let policy = NotificationRetryPolicy(maxAttempts: 10, initialBackoff: .seconds(1), maxBackoff: .seconds(10))
        #expect((1...6).map { policy.backoff(afterAttempt: $0) } == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10)])
        #expect([500, 502, 503, 408, 429].allSatisfy(NotificationRetryPolicy.isRetryable))
        #expect(![400, 401, 403, 404, 410].contains(where: NotificationRetryPolicy.isRetryable))
    }

    @Test("webhooks come from --notify and $SLIPWAY_NOTIFY_URLS, once each; a bad one is refused without being repeated")
    func configuration() throws {
        let slack = "https://hooks.slack.com/services/T0/B0/abcdefSECRETkey"
        let configuration = try NotifierConfiguration.resolve(
            flags: ["http://127.0.0.1:9000/hook"],
            environment: ["SLIPWAY_NOTIFY_URLS": " \(slack) ,,http://127.0.0.1:9000/hook", "SLIPWAY_TOKEN": "slw_secret-token"]
        )
        #expect(configuration.webhooks.map(\.url) == ["http://127.0.0.1:9000/hook", slack])
        #expect(configuration.webhooks.map(\.description) == ["127.0.0.1", "hooks.slack.com"])
        #expect("\(configuration.webhooks[1])" == "hooks.slack.com")
        #expect(configuration.secrets == ["slw_secret-token"])
        #expect(try NotifierConfiguration.resolve(flags: [], environment: [:]).webhooks.isEmpty)

        for (flags, environment, place) in [
            (["ftp://files.example/secretpath"], [String: String](), "--notify number 1"),
            ([], ["SLIPWAY_NOTIFY_URLS": "https://ok.example/a,hooks.slack.com/secretpath"], "entry 2 of $SLIPWAY_NOTIFY_URLS"),
        ] {
            do {
                _ = try NotifierConfiguration.resolve(flags: flags, environment: environment)
                Issue.record("\(place) was accepted")
            } catch {
                #expect(error.description.contains(place))
                #expect(!error.description.contains("secretpath"))
            }
        }
    }
}
