/// Per-key rate limiting: one ``TokenBucket`` per API key id, at most `maxBuckets` of them.
///
/// When a new key arrives and the limit is reached, buckets that have refilled completely are
/// dropped first (a full bucket is the same as a fresh one, so this loses nothing); if none has,
/// the least recently used bucket is dropped. Eviction scans the buckets, which only happens when
/// a new key arrives at the bound.
public actor RateLimiter {
    /// Tokens each key can spend at once.
    public let capacity: Double
    /// Tokens each key regains per second.
    public let refillPerSecond: Double
    /// The most buckets kept at once.
    public let maxBuckets: Int
    private let now: @Sendable () -> ContinuousClock.Instant
    private var buckets: [String: (bucket: TokenBucket, lastUsed: ContinuousClock.Instant)] = [:]
    /// How many buckets have been dropped to stay within ``maxBuckets``.
    public private(set) var evictions = 0

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
        var bucket: TokenBucket
        if let existing = buckets[keyID] {
            bucket = existing.bucket
        } else {
            if buckets.count >= maxBuckets { evict(now: instant) }
            bucket = TokenBucket(capacity: capacity, refillPerSecond: refillPerSecond, now: instant)
        }
        let decision = bucket.take(now: instant)
        buckets[keyID] = (bucket, instant)
        return decision
    }

    /// How many buckets are held.
    public var bucketCount: Int { buckets.count }

    /// Whether a bucket is held for `keyID`.
    public func hasBucket(for keyID: String) -> Bool { buckets[keyID] != nil }

    private func evict(now instant: ContinuousClock.Instant) {
        let idle = buckets.filter { $0.value.bucket.isFull(now: instant) }.map(\.key)
        if !idle.isEmpty {
            for key in idle { buckets[key] = nil }
            evictions += idle.count
            return
        }
        if let oldest = buckets.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key {
            buckets[oldest] = nil
            evictions += 1
        }
    }
}
