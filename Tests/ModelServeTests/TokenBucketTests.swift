import Testing

@testable import ModelServe

/// The token bucket and the per-key limiter, driven by a manual clock.
@Suite struct TokenBucketTests {
    @Test func allowsCapacityThenLimitsWithExactRetryAfter() {
        let clock = ManualClock()
        var bucket = TokenBucket(capacity: 3, refillPerSecond: 2, now: clock.now())
        for _ in 0..<3 { #expect(bucket.take(now: clock.now()) == .allowed) }
        #expect(bucket.take(now: clock.now()) == .limited(retryAfter: .milliseconds(500)))
        clock.advance(by: .milliseconds(200))
        #expect(bucket.take(now: clock.now()) == .limited(retryAfter: .milliseconds(300)))
    }

    @Test func refillsOverTimeUpToCapacity() {
        let clock = ManualClock()
        var bucket = TokenBucket(capacity: 2, refillPerSecond: 1, now: clock.now())
        #expect(bucket.take(now: clock.now()) == .allowed)
        #expect(bucket.take(now: clock.now()) == .allowed)
        #expect(bucket.take(now: clock.now()) == .limited(retryAfter: .seconds(1)))
        clock.advance(by: .seconds(1))
        #expect(bucket.take(now: clock.now()) == .allowed)
        #expect(bucket.take(now: clock.now()) == .limited(retryAfter: .seconds(1)))
        clock.advance(by: .seconds(60))
        #expect(bucket.isFull(now: clock.now()))
        #expect(bucket.take(now: clock.now()) == .allowed)
        #expect(bucket.take(now: clock.now()) == .allowed)
        #expect(bucket.take(now: clock.now()) == .limited(retryAfter: .seconds(1)))
    }

    @Test func limiterKeepsKeysApart() {
        let clock = ManualClock()
        let limiter = RateLimiter(capacity: 1, refillPerSecond: 1, now: clock.now)
        #expect(limiter.take(keyID: "a") == .allowed)
        #expect(limiter.take(keyID: "a") == .limited(retryAfter: .seconds(1)))
        #expect(limiter.take(keyID: "b") == .allowed)
    }

    @Test func limiterEvictsLeastRecentlyUsedWhenNoneIsIdle() {
        let clock = ManualClock()
        let limiter = RateLimiter(capacity: 2, refillPerSecond: 0.001, maxBuckets: 2, now: clock.now)
        _ = limiter.take(keyID: "a")
        clock.advance(by: .milliseconds(1))
        _ = limiter.take(keyID: "b")
        clock.advance(by: .milliseconds(1))
        _ = limiter.take(keyID: "a")  // "b" is now the least recently used
        clock.advance(by: .milliseconds(1))
        _ = limiter.take(keyID: "c")
        #expect(limiter.bucketCount == 2)
        #expect(limiter.hasBucket(for: "a"))
        #expect(!limiter.hasBucket(for: "b"))
        #expect(limiter.hasBucket(for: "c"))
        #expect(limiter.evictions == 1)
        // "a" kept its (empty) bucket through the eviction.
        #expect(limiter.take(keyID: "a") != .allowed)
    }

    @Test func limiterEvictsIdleBucketsFirst() {
        let clock = ManualClock()
        let limiter = RateLimiter(capacity: 1, refillPerSecond: 1, maxBuckets: 3, now: clock.now)
        _ = limiter.take(keyID: "idle1")
        _ = limiter.take(keyID: "idle2")
        clock.advance(by: .seconds(5))
        _ = limiter.take(keyID: "busy")  // most recent, and empty
        _ = limiter.take(keyID: "new")
        #expect(limiter.bucketCount == 2)
        #expect(limiter.hasBucket(for: "busy"))
        #expect(limiter.hasBucket(for: "new"))
        #expect(limiter.evictions == 2)
        #expect(limiter.take(keyID: "busy") == .limited(retryAfter: .seconds(1)))
    }
}
