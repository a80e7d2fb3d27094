import Foundation

/// A bounded least-recently-used cache with a time to live, for responses to deterministic requests.
///
/// `get` and `put` are O(1): a dictionary maps each key to a node of a doubly linked list kept in
/// an array (most recently used at the head). Expired entries are dropped when they are looked up
/// or when they reach the tail and are evicted. The clock is
/// injected so tests move time by hand. Safe to share between tasks (a lock guards the state).
public final class ResponseCache<Value: Sendable>: @unchecked Sendable {
    /// Counters for metrics.
    public struct Statistics: Sendable, Equatable {
        public var hits = 0
        public var misses = 0
        /// Entries dropped to stay within capacity.
        public var evictions = 0
        /// Entries dropped because their time to live had passed.
        public var expirations = 0
        public init() {}
    }

    private struct Node {
        var key: CacheKey
        var value: Value
        var expiresAt: ContinuousClock.Instant
        var previous: Int?
        var next: Int?
    }

    /// The most entries held.
    public let capacity: Int
    /// How long an entry stays valid after it was put.
    public let timeToLive: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let lock = NSLock()
    // All guarded by `lock`.
    private var index: [CacheKey: Int] = [:]
    private var nodes: [Node?] = []
    private var free: [Int] = []
    private var head: Int?
    private var tail: Int?
    private var stats = Statistics()

    public init(
        capacity: Int,
        timeToLive: Duration,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        precondition(capacity >= 1, "a response cache needs a capacity of at least 1")
        self.capacity = capacity
        self.timeToLive = timeToLive
        self.now = now
    }

    /// The value for `key` if present and not expired (and marks it most recently used).
    public func get(_ key: CacheKey) -> Value? {
        lock.withLock {
            guard let slot = index[key], let node = nodes[slot] else {
                stats.misses += 1
                return nil
            }
            if now() >= node.expiresAt {
                remove(slot)
                stats.expirations += 1
                stats.misses += 1
                return nil
            }
            moveToFront(slot)
            stats.hits += 1
            return node.value
        }
    }

    /// Stores `value` for `key`, replacing any previous value, evicting the least recently used
    /// entry if the cache is full.
    public func put(_ key: CacheKey, _ value: Value) {
        lock.withLock {
            let expiresAt = now() + timeToLive
            if let slot = index[key] {
                nodes[slot]!.value = value
                nodes[slot]!.expiresAt = expiresAt
                moveToFront(slot)
                return
            }
            if index.count >= capacity, let last = tail {
                remove(last)
                stats.evictions += 1
            }
            let node = Node(key: key, value: value, expiresAt: expiresAt, previous: nil, next: head)
            let slot: Int
            if let reused = free.popLast() {
                slot = reused
                nodes[slot] = node
            } else {
                slot = nodes.count
                nodes.append(node)
            }
            if let oldHead = head { nodes[oldHead]!.previous = slot }
            head = slot
            if tail == nil { tail = slot }
            index[key] = slot
        }
    }

    /// How many entries are held (expired ones included until they are looked up or evicted).
    public var count: Int { lock.withLock { index.count } }

    /// Hits, misses, evictions and expirations so far.
    public var statistics: Statistics { lock.withLock { stats } }

    /// The keys from most to least recently used.
    public var keysByRecency: [CacheKey] {
        lock.withLock {
            var keys: [CacheKey] = []
            var cursor = head
            while let slot = cursor, let node = nodes[slot] {
                keys.append(node.key)
                cursor = node.next
            }
            return keys
        }
    }

    private func unlink(_ slot: Int) {
        let node = nodes[slot]!
        if let previous = node.previous { nodes[previous]!.next = node.next } else { head = node.next }
        if let next = node.next { nodes[next]!.previous = node.previous } else { tail = node.previous }
        nodes[slot]!.previous = nil
        nodes[slot]!.next = nil
    }

    private func moveToFront(_ slot: Int) {
        guard head != slot else { return }
        unlink(slot)
        nodes[slot]!.next = head
        if let oldHead = head { nodes[oldHead]!.previous = slot }
        head = slot
        if tail == nil { tail = slot }
    }

    private func remove(_ slot: Int) {
        unlink(slot)
        index[nodes[slot]!.key] = nil
        nodes[slot] = nil
        free.append(slot)
    }
}
