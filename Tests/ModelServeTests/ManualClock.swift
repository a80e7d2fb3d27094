import Foundation

/// A clock the test moves by hand; `now` is what the code under test is given.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var instant = ContinuousClock.now

    var now: @Sendable () -> ContinuousClock.Instant {
        { [self] in lock.withLock { instant } }
    }

    func advance(by duration: Duration) {
        lock.withLock { instant = instant + duration }
    }
}
