/// Backpressure: at most `maxInFlight` upstream requests at once, at most `maxQueue` waiting
/// behind them in arrival order, and an immediate refusal beyond that.
///
/// A waiter whose task is cancelled (its deadline passed, or its client went away) leaves the
/// queue at once. ``release()`` hands the slot straight to the oldest waiter, so a burst of new
/// arrivals cannot overtake requests already queued.
public actor AdmissionController {
    /// Why a request was not admitted.
    public enum Refusal: Error, Sendable, Equatable {
        /// Every slot is taken and the queue is full.
        case queueFull
        /// The request's deadline passed while it waited in the queue.
        case deadlinePassed
    }

    public let maxInFlight: Int
    public let maxQueue: Int
    /// Requests holding a slot.
    public private(set) var inFlight = 0
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
        var timer: Task<Void, Never>?
    }

    private var waiters: [Waiter] = []
    private var nextWaiterID: UInt64 = 0
    private let observe: @Sendable (_ inFlight: Int, _ queued: Int) -> Void

    /// - Parameter observe: called with the slots taken and the queue length after every change
    ///   (for gauges).
    public init(maxInFlight: Int, maxQueue: Int, observe: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) {
        precondition(maxInFlight >= 1, "admission needs at least one slot")
        self.maxInFlight = maxInFlight
        self.maxQueue = max(0, maxQueue)
        self.observe = observe
    }

    /// Requests waiting for a slot.
    public var queued: Int { waiters.count }

    /// Takes a slot, waiting in the queue if all are taken, but not past `deadline`.
    ///
    /// - Throws: ``Refusal/queueFull`` at once when the queue is full; ``Refusal/deadlinePassed``
    ///   when the deadline comes first; `CancellationError` when the task is cancelled while
    ///   waiting. In each case the request has left the queue and holds no slot.
    public func acquire(deadline: ContinuousClock.Instant? = nil) async throws {
        if inFlight < maxInFlight {
            inFlight += 1
            observe(inFlight, waiters.count)
            return
        }
        guard waiters.count < maxQueue else { throw Refusal.queueFull }
        let id = nextWaiterID
        nextWaiterID += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                var waiter = Waiter(id: id, continuation: continuation)
                if let deadline {
                    waiter.timer = Task {
                        try? await Task.sleep(until: deadline, clock: .continuous)
                        if !Task.isCancelled { self.leaveQueue(id, because: Refusal.deadlinePassed) }
                    }
                }
                waiters.append(waiter)
                observe(inFlight, waiters.count)
            }
        } onCancel: {
            Task { await self.leaveQueue(id, because: CancellationError()) }
        }
    }

    /// Gives a slot back: to the oldest waiter if there is one.
    public func release() {
        if waiters.isEmpty {
            inFlight = max(0, inFlight - 1)
        } else {
            let waiter = waiters.removeFirst()
            waiter.timer?.cancel()
            waiter.continuation.resume()
        }
        observe(inFlight, waiters.count)
    }

    private func leaveQueue(_ id: UInt64, because reason: any Error) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        waiter.timer?.cancel()
        waiter.continuation.resume(throwing: reason)
        observe(inFlight, waiters.count)
    }
}
