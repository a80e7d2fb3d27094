import Testing

@testable import ModelServe

/// The response cache: keys, hits and misses, TTL, LRU order and counters.
@Suite struct ResponseCacheTests {
    struct Input: Encodable {
        var prompt: String
        var system: String?
    }

    static func key(_ name: String) -> CacheKey {
        CacheKey.forRequest(model: "m", input: Input(prompt: name), temperature: 0)!
    }

    @Test func onlyTemperatureZeroIsCacheable() {
        let input = Input(prompt: "hi")
        #expect(CacheKey.forRequest(model: "m", input: input, temperature: 0) != nil)
        #expect(CacheKey.forRequest(model: "m", input: input, temperature: 0.1) == nil)
        #expect(CacheKey.forRequest(model: "m", input: input, temperature: nil) == nil)
    }

    @Test func keyDependsOnModelAndInputOnly() {
        let a = CacheKey.forRequest(model: "m", input: Input(prompt: "hi"), temperature: 0)
        #expect(a == CacheKey.forRequest(model: "m", input: Input(prompt: "hi"), temperature: 0))
        #expect(a != CacheKey.forRequest(model: "n", input: Input(prompt: "hi"), temperature: 0))
        #expect(a != CacheKey.forRequest(model: "m", input: Input(prompt: "hi", system: "s"), temperature: 0))
        #expect(a?.digest.count == 64)
    }

    @Test func hitAndMissAreCounted() {
        let clock = ManualClock()
        let cache = ResponseCache<String>(capacity: 4, timeToLive: .seconds(60), now: clock.now)
        #expect(cache.get(Self.key("a")) == nil)
        cache.put(Self.key("a"), "A")
        #expect(cache.get(Self.key("a")) == "A")
        #expect(cache.get(Self.key("a")) == "A")
        #expect(cache.get(Self.key("b")) == nil)
        var expected = ResponseCache<String>.Statistics()
        expected.hits = 2
        expected.misses = 2
        #expect(cache.statistics == expected)
    }

    @Test func entriesExpireAfterTimeToLive() {
        let clock = ManualClock()
        let cache = ResponseCache<String>(capacity: 4, timeToLive: .seconds(10), now: clock.now)
        cache.put(Self.key("a"), "A")
        clock.advance(by: .seconds(9))
        #expect(cache.get(Self.key("a")) == "A")
        clock.advance(by: .seconds(1))
        #expect(cache.get(Self.key("a")) == nil)
        #expect(cache.count == 0)
        #expect(cache.statistics.expirations == 1)
        #expect(cache.statistics.misses == 1)
        cache.put(Self.key("a"), "A2")  // put refreshes the TTL
        clock.advance(by: .seconds(5))
        #expect(cache.get(Self.key("a")) == "A2")
    }

    @Test func evictsLeastRecentlyUsedWithinCapacity() {
        let clock = ManualClock()
        let cache = ResponseCache<String>(capacity: 3, timeToLive: .seconds(60), now: clock.now)
        cache.put(Self.key("a"), "A")
        cache.put(Self.key("b"), "B")
        cache.put(Self.key("c"), "C")
        #expect(cache.get(Self.key("a")) == "A")  // order now a, c, b
        #expect(cache.keysByRecency == [Self.key("a"), Self.key("c"), Self.key("b")])
        cache.put(Self.key("d"), "D")  // evicts b
        #expect(cache.count == 3)
        #expect(cache.get(Self.key("b")) == nil)
        cache.put(Self.key("e"), "E")  // evicts c
        #expect(cache.get(Self.key("c")) == nil)
        #expect(cache.keysByRecency == [Self.key("e"), Self.key("d"), Self.key("a")])
        #expect(cache.statistics.evictions == 2)
        #expect(cache.get(Self.key("a")) == "A")
        #expect(cache.get(Self.key("d")) == "D")
        #expect(cache.get(Self.key("e")) == "E")
    }

    @Test func replacingAValueDoesNotEvict() {
        let cache = ResponseCache<String>(capacity: 2, timeToLive: .seconds(60))
        cache.put(Self.key("a"), "A")
        cache.put(Self.key("b"), "B")
        cache.put(Self.key("a"), "A2")
        #expect(cache.count == 2)
        #expect(cache.statistics.evictions == 0)
        #expect(cache.get(Self.key("a")) == "A2")
        #expect(cache.keysByRecency == [Self.key("a"), Self.key("b")])
    }

    @Test func staysBoundedUnderManyInserts() {
        let cache = ResponseCache<Int>(capacity: 5, timeToLive: .seconds(60))
        for i in 0..<1000 { cache.put(Self.key("k\(i)"), i) }
        #expect(cache.count == 5)
        #expect(cache.statistics.evictions == 995)
        #expect(cache.keysByRecency == (995..<1000).reversed().map { Self.key("k\($0)") })
        #expect(cache.get(Self.key("k999")) == 999)
        #expect(cache.get(Self.key("k994")) == nil)
    }
}
