import NIOConcurrencyHelpers

/// Per-key rate limiting: one ``TokenBucket`` per API key id, at most `maxBuckets` of them.
///
/// When a new key arrives and the limit is reached, buckets that have refilled completely are
/// dropped first (a full bucket is the same as a fresh one, so this loses nothing); if none has,
/// the least recently used bucket is dropped. Eviction scans the buckets, which only happens when
/// a new key arrives at the bound.
///
/// A lock, not an actor: every request with a key takes a token, and a lock held for a dictionary
/// update costs less than hopping to an actor and back.
public final class RateLimiter: Sendable {
    /// Tokens each key can spend at once.
    public let capacity: Double
    /// Tokens each key regains per second.
    public let refillPerSecond: Double
    /// The most buckets kept at once.
    public let maxBuckets: Int
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state = NIOLockedValueBox(State())

    private struct State {
        var buckets: [String: (bucket: TokenBucket, lastUsed: ContinuousClock.Instant)] = [:]
        var evictions = 0
    }

    /// How many buckets have been dropped to stay within ``maxBuckets``.
    public var evictions: Int { state.withLockedValue { $0.evictions } }

    public init(
        capacity: Double,
        refillPerSecond: Double,
        maxBuckets: Int = 10_000,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        precondition(maxBuckets >= 1, "a rate limiter needs room for at least one bucket")
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
        self.maxBuckets = maxBuckets
        self.now = now
    }

    /// Spends a token of `keyID`'s bucket, creating the bucket (full) on first use.
    public func take(keyID: String) -> TokenBucket.Decision {
        let instant = now()
        return state.withLockedValue { state in
            var bucket: TokenBucket
            if let existing = state.buckets[keyID] {
                bucket = existing.bucket
            } else {
                if state.buckets.count >= maxBuckets { Self.evict(&state, now: instant) }
                bucket = TokenBucket(capacity: capacity, refillPerSecond: refillPerSecond, now: instant)
            }
            let decision = bucket.take(now: instant)
            state.buckets[keyID] = (bucket, instant)
            return decision
        }
    }

    /// How many buckets are held.
    public var bucketCount: Int { state.withLockedValue { $0.buckets.count } }

    /// Whether a bucket is held for `keyID`.
    public func hasBucket(for keyID: String) -> Bool { state.withLockedValue { $0.buckets[keyID] != nil } }

    private static func evict(_ state: inout State, now instant: ContinuousClock.Instant) {
        let idle = state.buckets.filter { $0.value.bucket.isFull(now: instant) }.map(\.key)
        if !idle.isEmpty {
            for key in idle { state.buckets[key] = nil }
            state.evictions += idle.count
            return
        }
        if let oldest = state.buckets.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key {
            state.buckets[oldest] = nil
            state.evictions += 1
        }
    }
}
