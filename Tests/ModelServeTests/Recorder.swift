import Foundation

/// A list that concurrent code appends to and a test reads back, in order.
final class Recorder<Element: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Element] = []

    func append(_ item: Element) {
        lock.withLock { items.append(item) }
    }

    var all: [Element] {
        lock.withLock { items }
    }
}

/// Polls `condition` every millisecond until it holds, for at most about two seconds.
/// Returns whether it came to hold, so the test can `#require` it rather than hang.
func eventually(_ condition: () async -> Bool) async -> Bool {
    for _ in 0..<2000 {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(1))
    }
    return await condition()
}
