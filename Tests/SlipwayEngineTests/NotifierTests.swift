import Foundation
import Logging
import SlipwayCore
import SlipwayEngine
import SlipwaySystem
import SlipwayTestSupport
import Testing

/// The notifier against a real HTTP receiver in this process (``WebhookReceiver``): what it
/// sends, how it retries and gives up, and that a receiver that fails, hangs or is down never
/// holds up `observe` (the call a promotion makes). Waits between attempts are recorded by a
/// ``FakeTime`` instead of slept; request timeouts are real.
@Suite("notifier", .serialized)
struct NotifierTests {
    static let release = NotifiedRelease(
        pipeline: "model-serve", release: "model-serve-2f5cc083c565", commit: "2f5cc083c5650a1b2c3d4e5f60718293a4b5c6d7"
    )

    static func finished(_ status: PromotionStatus, id: Int64, reason: String? = nil, in environment: String = "prod") -> RunProgress {
        .promotion(PromotionProgress(promotionID: id, environment: environment, event: .promotionFinished(status, reason)))
    }

    static func gateWaiting(id: Int64, note: String = "approvals: 0 of 2") -> RunProgress {
        .promotion(PromotionProgress(promotionID: id, environment: "prod", event: .stepWaiting(ordinal: 1, name: "gate after staging", note: note)))
    }

    /// A notifier sending to `url`, with waits recorded by `time`; `run()` goes on in the
    /// returned task until `shutDown`.
    static func start(
        _ url: String, time: FakeTime, logs: LogRecorder = LogRecorder(), queueLimit: Int = 100,
        retry: NotificationRetryPolicy = NotificationRetryPolicy(maxAttempts: 3, initialBackoff: .seconds(1), requestTimeout: .seconds(30))
    ) throws -> (Notifier, Task<Void, Never>) {
        let webhook = try #require(NotificationWebhook(url))
        let notifier = Notifier(
            configuration: NotifierConfiguration(webhooks: [webhook], retry: retry, queueLimit: queueLimit, drainTimeout: .seconds(30)),
            logger: logs.logger, release: { id in id == 3 ? release : nil },
            sleep: { try await time.sleep($0) }, now: { time.now }
        )
        return (notifier, Task { await notifier.run() })
    }

    /// Waits (at most a minute) until `notifier` has sent `count` notifications.
    static func waitUntilSent(_ count: Int, by notifier: Notifier) async -> Notifier.Statistics {
        let deadline = ContinuousClock.now + .seconds(60)
        while notifier.statistics.sent < count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return notifier.statistics
    }

    static func promotionIDs(_ requests: [WebhookReceiver.Request]) -> [Int] {
        requests.map { ($0.json?["slipway"] as? [String: Any])?["promotion"] as? Int ?? -1 }
    }

    @Test("a succeeded promotion is POSTed as a Slack-compatible body with the slipway fields, to the URL's path")
    func deliversSlackBody() async throws {
        try await WebhookReceiver.with { receiver in
            let (notifier, drain) = try Self.start(receiver.url, time: FakeTime())
            notifier.observe(Self.finished(.succeeded, id: 3))
            let requests = await receiver.waitForRequests(1)
            await notifier.shutDown(drain)

            #expect(requests.count == 1)
            let request = try #require(requests.first)
            #expect(request.path == "/services/T000/B000/\(WebhookReceiver.key)")
            let body = try #require(request.json)
            #expect(body["text"] as? String == "model-serve-2f5cc083c565 succeeded in prod (pipeline model-serve, promotion 3, commit 2f5cc083c565)")
            #expect((body["blocks"] as? [[String: Any]])?.count == 2)
            let slipway = try #require(body["slipway"] as? [String: Any])
            #expect(slipway["event"] as? String == "promotion.succeeded")
            #expect(slipway["release"] as? String == "model-serve-2f5cc083c565")
            #expect(slipway["commit"] as? String == Self.release.commit)
            let statistics = notifier.statistics
            #expect(statistics.delivered == 1 && statistics.failed == 0 && statistics.sent == 1)
        }
    }

    @Test("answered 500 twice, the same body is sent again after 1 s and 2 s of backoff, and delivered the third time")
    func retriesAfterFailures() async throws {
        try await WebhookReceiver.with(failing: 2) { receiver in
            let time = FakeTime()
            let (notifier, drain) = try Self.start(receiver.url, time: time)
            notifier.observe(Self.finished(.rolledBack, id: 3, reason: "smoke: 500"))
            let statistics = await Self.waitUntilSent(1, by: notifier)
            await notifier.shutDown(drain)

            let requests = receiver.requests
            #expect(requests.count == 3)
            #expect(Set(requests.map(\.body)).count == 1)
            #expect(time.slept == [.seconds(1), .seconds(2)])
            #expect(statistics.delivered == 1 && statistics.failed == 0)
        }
    }

    @Test("after its last attempt a notification is given up, a warning names the host only, and the next one is sent")
    func givesUpAfterMaxAttempts() async throws {
        try await WebhookReceiver.with(failing: 3, status: 503) { receiver in
            let time = FakeTime()
            let logs = LogRecorder()
            let (notifier, drain) = try Self.start(receiver.url, time: time, logs: logs)
            notifier.observe(Self.finished(.failed, id: 3, reason: "gate after staging: rejected by carol"))
            notifier.observe(Self.finished(.succeeded, id: 4))
            let statistics = await Self.waitUntilSent(2, by: notifier)
            await notifier.shutDown(drain)

            #expect(Self.promotionIDs(receiver.requests) == [3, 3, 3, 4])
            #expect(time.slept == [.seconds(1), .seconds(2)])
            #expect(statistics.failed == 1 && statistics.delivered == 1)
            let warning = try #require(logs.lines.first { $0.contains("gave up") })
            #expect(warning.contains("127.0.0.1") && warning.contains("answered 503"), "\(warning)")
            #expect(!logs.lines.contains { $0.contains(WebhookReceiver.key) }, "\(logs.lines)")
        }
    }

    @Test("retries stop at the total time: with 1 s, 2 s, 4 s waited, an 8 s wait would pass 10 s, so 4 attempts are all")
    func givesUpAtTheTotalTime() async throws {
        try await WebhookReceiver.with(failing: 1000) { receiver in
            let time = FakeTime()
            let policy = NotificationRetryPolicy(
                maxAttempts: 100, initialBackoff: .seconds(1), maxBackoff: .seconds(60), requestTimeout: .seconds(30), totalTime: .seconds(10)
            )
            let (notifier, drain) = try Self.start(receiver.url, time: time, retry: policy)
            notifier.observe(Self.finished(.succeeded, id: 3))
            let statistics = await Self.waitUntilSent(1, by: notifier)
            await notifier.shutDown(drain)

            #expect(receiver.requests.count == 4)
            #expect(time.slept == [.seconds(1), .seconds(2), .seconds(4)])
            #expect(statistics.failed == 1)
        }
    }

    @Test("a 404 (a webhook that was removed) is not tried again")
    func clientErrorIsNotRetried() async throws {
        try await WebhookReceiver.with(failing: 1, status: 404) { receiver in
            let time = FakeTime()
            let (notifier, drain) = try Self.start(receiver.url, time: time)
            notifier.observe(Self.finished(.succeeded, id: 3))
            let statistics = await Self.waitUntilSent(1, by: notifier)
            await notifier.shutDown(drain)

            #expect(receiver.requests.count == 1)
            #expect(time.slept.isEmpty)
            #expect(statistics.failed == 1)
        }
    }

    @Test("a receiver that does not answer is timed out and tried again")
    func hangingReceiverIsTimedOut() async throws {
        try await WebhookReceiver.with(holding: 1) { receiver in
            // Long enough that the second, answered attempt never times out on a busy machine.
            let policy = NotificationRetryPolicy(maxAttempts: 3, initialBackoff: .seconds(1), requestTimeout: .seconds(5))
            let (notifier, drain) = try Self.start(receiver.url, time: FakeTime(), retry: policy)
            notifier.observe(Self.finished(.succeeded, id: 3))
            let statistics = await Self.waitUntilSent(1, by: notifier)
            await notifier.shutDown(drain)

            #expect(receiver.requests.count == 2)
            #expect(statistics.delivered == 1)
        }
    }

    @Test("while a delivery hangs, observe goes on queueing: a full queue drops its oldest, and the newest are sent later, in order")
    func observeNeverWaits() async throws {
        try await WebhookReceiver.with(holding: 1) { receiver in
            let logs = LogRecorder()
            let (notifier, drain) = try Self.start(receiver.url, time: FakeTime(), logs: logs, queueLimit: 2)
            notifier.observe(Self.finished(.succeeded, id: 1))
            #expect(await receiver.waitForRequests(1).count == 1)
            // The first delivery is held by the receiver; five more promotions end meanwhile.
            for id in Int64(2)...6 { notifier.observe(Self.finished(.succeeded, id: id)) }
            #expect(receiver.answered == 0)
            let queued = notifier.statistics
            #expect(queued.queued == 6 && queued.dropped == 3 && queued.sent == 0)
            #expect(logs.lines.filter { $0.contains("notification queue full") }.count == 3)

            receiver.release()
            let statistics = await Self.waitUntilSent(3, by: notifier)
            await notifier.shutDown(drain)
            #expect(Self.promotionIDs(receiver.requests) == [1, 5, 6])
            #expect(statistics.delivered == 3 && statistics.dropped == 3)
        }
    }

    @Test("a webhook nothing listens on: every notification is given up after its attempts; observe only queued them")
    func receiverDown() async throws {
        let port = try LoopbackPort.free()
        let url = "http://127.0.0.1:\(port)/services/T000/B000/\(WebhookReceiver.key)"
        let time = FakeTime()
        let logs = LogRecorder()
        let (notifier, drain) = try Self.start(url, time: time, logs: logs)
        for id in Int64(1)...3 { notifier.observe(Self.finished(.failed, id: id, reason: "gate after staging: rejected")) }
        #expect(notifier.statistics.queued == 3)
        let statistics = await Self.waitUntilSent(3, by: notifier)
        await notifier.shutDown(drain)

        #expect(statistics.failed == 3 && statistics.delivered == 0)
        #expect(time.slept == [.seconds(1), .seconds(2), .seconds(1), .seconds(2), .seconds(1), .seconds(2)])
        #expect(logs.lines.filter { $0.contains("gave up") }.count == 3)
        #expect(!logs.lines.contains { $0.contains(WebhookReceiver.key) }, "\(logs.lines)")
    }

    @Test("a gate that waits is told once per promotion, however often it reports waiting")
    func gateWaitingOncePerPromotion() async throws {
        try await WebhookReceiver.with { receiver in
            let (notifier, drain) = try Self.start(receiver.url, time: FakeTime())
            for _ in 0..<5 { notifier.observe(Self.gateWaiting(id: 3)) }
            notifier.observe(Self.gateWaiting(id: 8, note: "soaking after staging"))
            notifier.observe(Self.gateWaiting(id: 8, note: "soaking after staging"))
            notifier.observe(Self.finished(.succeeded, id: 3))
            let statistics = await Self.waitUntilSent(3, by: notifier)
            await notifier.shutDown(drain)

            let events = receiver.requests.map { ($0.json?["slipway"] as? [String: Any])?["event"] as? String ?? "?" }
            #expect(events == ["gate.waiting", "gate.waiting", "promotion.succeeded"])
            #expect(Self.promotionIDs(receiver.requests) == [3, 8, 3])
            let gate = try #require(receiver.requests.first?.json)
            #expect((gate["text"] as? String)?.hasSuffix("— waiting for: approvals: 0 of 2") == true)
            #expect(statistics.delivered == 3 && statistics.queued == 3)
        }
    }

    @Test("at shutdown the queue gets the drain timeout, then what is left is counted as unsent and the call returns")
    func shutdownIsBounded() async throws {
        try await WebhookReceiver.with(holding: 100) { receiver in
            let logs = LogRecorder()
            let webhook = try #require(NotificationWebhook(receiver.url))
            let configuration = NotifierConfiguration(
                webhooks: [webhook], retry: NotificationRetryPolicy(requestTimeout: .seconds(60)), drainTimeout: .milliseconds(500)
            )
            let notifier = try await Notifier.with(configuration: configuration, logger: logs.logger) { notifier in
                for id in Int64(1)...3 { notifier.observe(Self.finished(.succeeded, id: id)) }
                _ = await receiver.waitForRequests(1)
                return notifier
            }
            let statistics = notifier.statistics
            #expect(receiver.answered == 0)
            #expect(statistics.sent == 1 && statistics.failed == 1 && statistics.unsent == 2)
            #expect(logs.lines.contains { $0.contains("stopped waiting for notifications") && $0.contains("unsent=2") }, "\(logs.lines)")
        }
    }

    @Test("without webhooks observe does nothing")
    func noWebhooks() async throws {
        let notifier = Notifier(configuration: NotifierConfiguration(), logger: LogRecorder().logger)
        notifier.observe(Self.finished(.succeeded, id: 1))
        notifier.observe(Self.gateWaiting(id: 1))
        #expect(notifier.statistics.queued == 0 && notifier.statistics.dropped == 0)
    }
}

/// Time for the sender: `sleep` records the wait and moves `now` on by it, at once.
final class FakeTime: @unchecked Sendable {
    private let lock = NSLock()
    private let origin = ContinuousClock.now
    private var advanced: Duration = .zero
    private var waits: [Duration] = []

    var now: ContinuousClock.Instant { lock.withLock { origin + advanced } }
    var slept: [Duration] { lock.withLock { waits } }

    func sleep(_ duration: Duration) async throws {
        try Task.checkCancellation()
        lock.withLock {
            waits.append(duration)
            advanced += duration
        }
    }
}

/// A logger whose lines (message and metadata) a test reads back.
final class LogRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [String] = []

    var lines: [String] { lock.withLock { recorded } }

    func append(_ line: String) {
        lock.withLock { recorded.append(line) }
    }

    var logger: Logger {
        var logger = Logger(label: "notifier-test") { _ in Handler(recorder: self) }
        logger.logLevel = .info
        return logger
    }

    struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let fields = (event.metadata ?? [:]).merging(metadata) { new, _ in new }
                .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            recorder.append("\(event.level) \(event.message) \(fields)")
        }
    }
}
