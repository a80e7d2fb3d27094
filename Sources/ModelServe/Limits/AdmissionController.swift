import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Backpressure: at most `maxInFlight` upstream requests at once, at most `maxQueue` waiting
/// behind them in arrival order, and an immediate refusal beyond that.
///
/// A lock guards the counts, so a request answered on its connection's event loop takes a free
/// slot without leaving the loop; only a request that must queue gets a promise, completed on its
/// loop when a slot is handed to it. A waiter whose deadline passes, or whose task is cancelled
/// (its client went away), leaves the queue at once. ``release()`` hands the slot straight to the
/// oldest waiter, so a burst of new arrivals cannot overtake requests already queued.
public final class AdmissionController: Sendable {
    /// Why a request was not admitted.
    public enum Refusal: Error, Sendable, Equatable {
        /// Every slot is taken and the queue is full.
        case queueFull
        /// The request's deadline passed while it waited in the queue.
        case deadlinePassed
    }

    public let maxInFlight: Int
    public let maxQueue: Int
    /// Called under the lock, so reports arrive in the order of the changes.
    private let observe: @Sendable (_ inFlight: Int, _ queued: Int) -> Void
    private let state = NIOLockedValueBox(State())

    private struct Waiter {
        var id: UInt64
        var promise: EventLoopPromise<Void>
        var timer: Scheduled<Void>?
    }

    private struct State {
        var inFlight = 0
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
    }

    /// - Parameter observe: called with the slots taken and the queue length after every change
    ///   (for gauges).
    public init(maxInFlight: Int, maxQueue: Int, observe: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) {
        precondition(maxInFlight >= 1, "admission needs at least one slot")
        self.maxInFlight = maxInFlight
        self.maxQueue = max(0, maxQueue)
        self.observe = observe
    }

    /// Requests holding a slot.
    public var inFlight: Int { state.withLockedValue { $0.inFlight } }
    /// Requests waiting for a slot.
    public var queued: Int { state.withLockedValue { $0.waiters.count } }

    /// A ticket for a place in the queue, to leave it early with ``leave(_:)``.
    public struct Ticket: Sendable {
        fileprivate let id: UInt64
    }

    /// Takes a slot now when one is free; otherwise queues, unless the queue is full.
    ///
    /// - Returns: nil when a slot was taken at once; else the ticket and a future succeeded on
    ///   `eventLoop` when a slot is handed over, or failed with ``Refusal/deadlinePassed`` when
    ///   `deadline` comes first.
    /// - Throws: ``Refusal/queueFull`` when every slot is taken and the queue is full.
    public func take(
        deadline: NIODeadline?, on eventLoop: any EventLoop
    ) throws(Refusal) -> (Ticket, EventLoopFuture<Void>)? {
        let outcome: Result<(Ticket, EventLoopPromise<Void>)?, Refusal> = state.withLockedValue { state in
            if state.inFlight < maxInFlight {
                state.inFlight += 1
                observe(state.inFlight, state.waiters.count)
                return .success(nil)
            }
            guard state.waiters.count < maxQueue else { return .failure(.queueFull) }
            let id = state.nextWaiterID
            state.nextWaiterID += 1
            let promise = eventLoop.makePromise(of: Void.self)
            state.waiters.append(Waiter(id: id, promise: promise))
            observe(state.inFlight, state.waiters.count)
            return .success((Ticket(id: id), promise))
        }
        switch outcome {
        case .failure(let refusal):
            throw refusal
        case .success(nil):
            return nil
        case .success(let (ticket, promise)?):
            if let deadline {
                // The timer goes in after the waiter, so a hand-over in between is no problem:
                // leaving a queue one is no longer in does nothing.
                let timer = eventLoop.scheduleTask(deadline: deadline) { [self] in
                    leave(ticket, because: Refusal.deadlinePassed)
                }
                let kept = state.withLockedValue { state in
                    guard let index = state.waiters.firstIndex(where: { $0.id == ticket.id }) else { return false }
                    state.waiters[index].timer = timer
                    return true
                }
                if !kept { timer.cancel() }
            }
            return (ticket, promise.futureResult)
        }
    }

    /// Takes a slot, waiting in the queue if all are taken, but not past `deadline`.
    ///
    /// - Throws: ``Refusal/queueFull`` at once when the queue is full; ``Refusal/deadlinePassed``
    ///   when the deadline comes first; `CancellationError` when the task is cancelled while
    ///   waiting. In each case the request has left the queue and holds no slot.
    public func acquire(deadline: ContinuousClock.Instant? = nil) async throws {
        let eventLoop = MultiThreadedEventLoopGroup.currentEventLoop ?? MultiThreadedEventLoopGroup.singleton.any()
        guard let (ticket, admitted) = try take(deadline: deadline.map(Self.nioDeadline), on: eventLoop) else { return }
        try await withTaskCancellationHandler {
            try await admitted.get()
        } onCancel: {
            leave(ticket, because: CancellationError())
        }
    }

    /// Leaves the queue (the caller gave up); the waiter's future fails with `reason`. Nothing
    /// happens when the ticket was already admitted or had left.
    public func leave(_ ticket: Ticket, because reason: any Error = CancellationError()) {
        let left: Waiter? = state.withLockedValue { state in
            guard let index = state.waiters.firstIndex(where: { $0.id == ticket.id }) else { return nil }
            let waiter = state.waiters.remove(at: index)
            observe(state.inFlight, state.waiters.count)
            return waiter
        }
        guard let left else { return }
        left.timer?.cancel()
        left.promise.fail(reason)
    }

    /// Gives a slot back: to the oldest waiter if there is one.
    public func release() {
        let handedTo: Waiter? = state.withLockedValue { state in
            var waiter: Waiter?
            if state.waiters.isEmpty {
                state.inFlight = max(0, state.inFlight - 1)
            } else {
                waiter = state.waiters.removeFirst()
            }
            observe(state.inFlight, state.waiters.count)
            return waiter
        }
        if let handedTo {
            handedTo.timer?.cancel()
            handedTo.promise.succeed()
        }
    }

    /// `instant` on NIO's clock.
    static func nioDeadline(_ instant: ContinuousClock.Instant) -> NIODeadline {
        let left = instant - .now
        return left <= .zero ? .now() : .now() + TimeAmount(left)
    }
}
