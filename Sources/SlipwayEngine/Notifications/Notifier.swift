import Foundation
import Logging

/// Sends notifications about a runner's promotions to the configured webhooks, without ever
/// holding a promotion up: ``observe(_:)`` (called from a ``RunCoordinator``'s progress) only
/// picks what is worth telling and queues it in a bounded buffer — when the buffer is full the
/// oldest waiting notification is dropped, with a warning — and ``run()`` sends the queue one
/// notification at a time, to every webhook at once, each with retries
/// (``NotificationRetryPolicy``). A webhook that is down, slow or refusing costs the queue
/// at most the policy's total time per notification; it costs the promotions nothing.
///
/// A gate that waits is told once per promotion (its step reports every time it looks again).
/// ``with(configuration:logger:release:_:)`` runs the sender around a command's work and, when
/// the work ends (or SIGTERM ends it), sends what is left for at most
/// ``NotifierConfiguration/drainTimeout``.
public final class Notifier: @unchecked Sendable {
    /// What happened to the notifications so far. `delivered` and `failed` count deliveries
    /// (one notification to one webhook); the rest count notifications.
    public struct Statistics: Sendable, Equatable {
        public var queued = 0
        /// Pushed out of the full queue by a newer one.
        public var dropped = 0
        /// Taken from the queue and sent (to every webhook, whatever the outcome).
        public var sent = 0
        public var delivered = 0
        public var failed = 0
        /// Still queued when shutdown stopped waiting.
        public var unsent = 0
    }

    public let configuration: NotifierConfiguration
    let sender: WebhookSender
    let redactor: SecretRedactor
    let release: @Sendable (Int64) async -> NotifiedRelease?
    let logger: Logger
    private let queue: AsyncStream<NotificationTrigger>
    private let continuation: AsyncStream<NotificationTrigger>.Continuation
    private let lock = NSLock()
    /// Promotions whose waiting gate was told, until they finish; guarded by `lock`.
    private var gatesTold: Set<Int64> = []
    private var counts = Statistics()  // guarded by `lock`

    /// `release` looks up what a message says about a promotion's release (see
    /// ``NotifiedRelease/lookup(in:)``); `sleep` and `now` are the sender's (tests replace them).
    public init(
        configuration: NotifierConfiguration, logger: Logger,
        release: @escaping @Sendable (Int64) async -> NotifiedRelease? = { _ in nil },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.configuration = configuration
        self.logger = logger
        self.release = release
        redactor = SecretRedactor(secrets: configuration.secrets + configuration.webhooks.map(\.url))
        sender = WebhookSender(policy: configuration.retry, redactor: redactor, logger: logger, sleep: sleep, now: now)
        (queue, continuation) = AsyncStream.makeStream(
            of: NotificationTrigger.self, bufferingPolicy: .bufferingNewest(configuration.queueLimit)
        )
    }

    public var statistics: Statistics {
        lock.withLock { counts }
    }

    /// Queues what `progress` is worth telling, if anything; never waits.
    public func observe(_ progress: RunProgress) {
        guard !configuration.webhooks.isEmpty, let trigger = NotificationTrigger(progress) else { return }
        let fresh = lock.withLock {
            if trigger.event == .gateWaiting { return gatesTold.insert(trigger.promotionID).inserted }
            gatesTold.remove(trigger.promotionID)
            return true
        }
        if fresh { enqueue(trigger) }
    }

    /// Queues `trigger`, dropping the oldest queued one when the queue is full.
    public func enqueue(_ trigger: NotificationTrigger) {
        switch continuation.yield(trigger) {
        case .enqueued:
            lock.withLock { counts.queued += 1 }
        case .dropped(let oldest):
            lock.withLock {
                counts.queued += 1
                counts.dropped += 1
            }
            logger.warning("notification queue full; dropped the oldest notification", metadata: [
                "limit": "\(configuration.queueLimit)", "event": "\(oldest.event.rawValue)",
                "promotion": "\(oldest.promotionID)", "environment": "\(oldest.environment)",
            ])
        case .terminated:
            logger.warning("the notifier has stopped; notification not sent", metadata: [
                "event": "\(trigger.event.rawValue)", "promotion": "\(trigger.promotionID)",
            ])
        @unknown default:
            break
        }
    }

    /// Sends the queue until ``finish()`` (then what is left) or cancellation.
    public func run() async {
        for await trigger in queue {
            await send(trigger)
            if Task.isCancelled { break }
        }
    }

    /// No more notifications: ``run()`` sends what is queued, then returns.
    public func finish() {
        continuation.finish()
    }

    /// Builds the message for `trigger` and delivers it to every webhook.
    func send(_ trigger: NotificationTrigger) async {
        let message = NotificationMessage(trigger, release: await release(trigger.promotionID), redactor: redactor)
        let body = message.json()
        let outcomes = await withTaskGroup(of: (NotificationWebhook, WebhookSender.Outcome).self) { group in
            for webhook in configuration.webhooks {
                group.addTask { [sender] in (webhook, await sender.deliver(body, to: webhook)) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let metadata: Logger.Metadata = [
            "event": "\(trigger.event.rawValue)", "promotion": "\(trigger.promotionID)", "environment": "\(trigger.environment)",
        ]
        for (webhook, outcome) in outcomes {
            switch outcome {
            case .delivered(let attempts):
                lock.withLock { counts.delivered += 1 }
                logger.info("notification sent", metadata: metadata.merging(["webhook": "\(webhook.host)", "attempts": "\(attempts)"]) { $1 })
            case .gaveUp(let attempts, let reason):
                lock.withLock { counts.failed += 1 }
                logger.warning("notification not sent; gave up", metadata: metadata.merging([
                    "webhook": "\(webhook.host)", "attempts": "\(attempts)", "reason": "\(reason)",
                ]) { $1 })
            }
        }
        lock.withLock { counts.sent += 1 }
    }

    /// Ends the queue and waits for `drain` (the task running ``run()``) to send it, for at
    /// most the configured drain timeout even when the caller is cancelled; then cancels it.
    public func shutDown(_ drain: Task<Void, Never>) async {
        finish()
        let limit = configuration.drainTimeout
        // An unstructured task: a caller cancelled by SIGTERM still gives the queue its time.
        let drained = await Task {
            await withTaskGroup(of: Bool.self) { group in
                group.addTask { await drain.value; return true }
                group.addTask { _ = try? await Task.sleep(for: limit); return false }
                let first = await group.next() ?? true
                if !first { drain.cancel() }
                group.cancelAll()
                return first
            }
        }.value
        guard !drained else { return }
        let unsent = lock.withLock {
            counts.unsent = counts.queued - counts.dropped - counts.sent
            return counts.unsent
        }
        logger.warning("stopped waiting for notifications to be sent", metadata: ["unsent": "\(unsent)", "waited": "\(limit)"])
    }

    /// Runs `body` with a notifier sending in the background, then shuts it down.
    public static func with<T>(
        configuration: NotifierConfiguration, logger: Logger,
        release: @escaping @Sendable (Int64) async -> NotifiedRelease? = { _ in nil },
        _ body: (Notifier) async throws -> T
    ) async throws -> T {
        let notifier = Notifier(configuration: configuration, logger: logger, release: release)
        let drain = Task { await notifier.run() }
        let result: T
        do {
            result = try await body(notifier)
        } catch {
            await notifier.shutDown(drain)
            throw error
        }
        await notifier.shutDown(drain)
        return result
    }
}
