/// How hard one notification is tried at one webhook: at most ``maxAttempts`` requests, each
/// given at most ``requestTimeout``, with exponential backoff between them (``initialBackoff``,
/// doubling, at most ``maxBackoff``; a `Retry-After` of a 429 or 503 is honoured up to
/// ``maxBackoff``), and never beyond ``totalTime`` from the first attempt: a retry whose
/// wait would end past it is not made.
public struct NotificationRetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    public var initialBackoff: Duration
    public var maxBackoff: Duration
    public var requestTimeout: Duration
    public var totalTime: Duration

    public init(
        maxAttempts: Int = 5, initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(30),
        requestTimeout: Duration = .seconds(10), totalTime: Duration = .seconds(120)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.requestTimeout = requestTimeout
        self.totalTime = totalTime
    }

    /// The wait after failed attempt `attempt` (1-based): initialBackoff × 2^(attempt − 1), capped.
    public func backoff(afterAttempt attempt: Int) -> Duration {
        var wait = initialBackoff
        for _ in 1..<max(1, attempt) {
            wait *= 2
            if wait >= maxBackoff { return maxBackoff }
        }
        return min(wait, maxBackoff)
    }

    /// Whether an answer with `status` is worth trying again: server errors, 408 and 429. Any
    /// other 4xx (a webhook removed, a body refused) will not change.
    public static func isRetryable(status: Int) -> Bool {
        status >= 500 || status == 408 || status == 429
    }
}
