import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat

/// POSTs one notification's body to one webhook, trying again by its
/// ``NotificationRetryPolicy``. Never throws: the outcome says whether it got there.
///
/// Logs name the webhook by its host only, and errors are passed through a ``SecretRedactor``
/// that knows the webhook URLs, since a transport error may quote the URL it failed on.
public struct WebhookSender: Sendable {
    public enum Outcome: Sendable, Equatable {
        case delivered(attempts: Int)
        case gaveUp(attempts: Int, reason: String)
    }

    /// The client notifications use unless told otherwise: it follows no redirect (a POST's
    /// body goes nowhere its URL did not say), a connection takes at most 5 s, and a refused
    /// one fails the attempt at once (the retry policy decides when to try again, not the pool).
    public static let httpClient: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5)))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    public var client: HTTPClient
    public var policy: NotificationRetryPolicy
    public var redactor: SecretRedactor
    /// How the sender waits between attempts, and what it reads the time from (both replaced
    /// by tests, so backoff is seen without being slept).
    public var sleep: @Sendable (Duration) async throws -> Void
    public var now: @Sendable () -> ContinuousClock.Instant
    let logger: Logger

    public init(
        policy: NotificationRetryPolicy = NotificationRetryPolicy(), redactor: SecretRedactor = SecretRedactor(),
        client: HTTPClient = WebhookSender.httpClient, logger: Logger,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.policy = policy
        self.redactor = redactor
        self.client = client
        self.logger = logger
        self.sleep = sleep
        self.now = now
    }

    public func deliver(_ body: Data, to webhook: NotificationWebhook) async -> Outcome {
        let start = now()
        var attempt = 0
        while true {
            attempt += 1
            let remaining = policy.totalTime - start.duration(to: now())
            let problem: String
            var retryAfter: Duration?
            do {
                var request = HTTPClientRequest(url: webhook.url)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.headers.add(name: "User-Agent", value: "slipway")
                request.body = .bytes(ByteBuffer(data: body))
                let response = try await client.execute(request, timeout: Self.timeAmount(min(policy.requestTimeout, max(remaining, .milliseconds(1)))))
                let status = Int(response.status.code)
                if (200..<300).contains(status) { return .delivered(attempts: attempt) }
                guard NotificationRetryPolicy.isRetryable(status: status) else {
                    return .gaveUp(attempts: attempt, reason: "answered \(status), which trying again would not change")
                }
                problem = "answered \(status)"
                retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0) }.map { .seconds(max(0, $0)) }
            } catch {
                if Task.isCancelled { return .gaveUp(attempts: attempt, reason: "stopped") }
                problem = redactor.redact("\(error)")
            }
            guard attempt < policy.maxAttempts else {
                return .gaveUp(attempts: attempt, reason: "\(problem), after \(attempt) attempts")
            }
            let wait = min(max(retryAfter ?? .zero, policy.backoff(afterAttempt: attempt)), policy.maxBackoff)
            guard start.duration(to: now()) + wait < policy.totalTime else {
                return .gaveUp(attempts: attempt, reason: "\(problem), and another try would end after \(policy.totalTime)")
            }
            logger.info("notification not delivered yet; trying again", metadata: [
                "webhook": "\(webhook.host)", "attempt": "\(attempt)", "problem": "\(problem)", "retryIn": "\(wait)",
            ])
            do { try await sleep(wait) } catch { return .gaveUp(attempts: attempt, reason: "stopped") }
        }
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
