/// A token bucket: up to `capacity` requests at once, refilled at `refillPerSecond`.
///
/// A value type with no clock of its own: the caller passes the current instant, so tests drive
/// time by hand and never sleep.
public struct TokenBucket: Sendable, Equatable {
    /// What ``take(now:)`` decided.
    public enum Decision: Sendable, Equatable {
        /// The request may go ahead; one token was spent.
        case allowed
        /// No token is available; one will be after `retryAfter` (rounded up to a nanosecond).
        case limited(retryAfter: Duration)
    }

    /// The most tokens the bucket holds (the burst size).
    public let capacity: Double
    /// Tokens added per second.
    public let refillPerSecond: Double
    /// Tokens available as of ``updatedAt``.
    public private(set) var tokens: Double
    /// When ``tokens`` was last brought up to date.
    public private(set) var updatedAt: ContinuousClock.Instant

    /// A full bucket.
    public init(capacity: Double, refillPerSecond: Double, now: ContinuousClock.Instant) {
        precondition(capacity >= 1, "a token bucket needs a capacity of at least 1")
        precondition(refillPerSecond > 0, "a token bucket needs a positive refill rate")
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
        self.tokens = capacity
        self.updatedAt = now
    }

    /// Spends one token if there is one; otherwise says how long until there will be.
    public mutating func take(now: ContinuousClock.Instant) -> Decision {
        refill(now: now)
        if tokens >= 1 {
            tokens -= 1
            return .allowed
        }
        let seconds = (1 - tokens) / refillPerSecond
        let nanoseconds = (seconds * 1e9).rounded(.up)
        return .limited(retryAfter: .nanoseconds(Int64(nanoseconds)))
    }

    /// Whether the bucket has refilled completely by `now`, i.e. dropping it loses nothing.
    public func isFull(now: ContinuousClock.Instant) -> Bool {
        var copy = self
        copy.refill(now: now)
        return copy.tokens >= capacity
    }

    private mutating func refill(now: ContinuousClock.Instant) {
        guard now > updatedAt else { return }
        let elapsed = now - updatedAt
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        tokens = min(capacity, tokens + seconds * refillPerSecond)
        updatedAt = now
    }
}
