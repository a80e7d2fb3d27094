import NIOCore
import NIOPosix
import Testing

@testable import ModelServe

/// Admission: slots, the bounded FIFO queue, cancellation, deadlines and the observer.
@Suite struct AdmissionControllerTests {
    /// A task waiting for a slot, which records `name` once it is admitted.
    static func waiter(
        _ controller: AdmissionController, name: String, order: Recorder<String>,
        deadline: ContinuousClock.Instant? = nil
    ) -> Task<Void, any Error> {
        Task {
            try await controller.acquire(deadline: deadline)
            order.append(name)
        }
    }

    @Test func slotsUpToMaxInFlightAreImmediate() async throws {
        let controller = AdmissionController(maxInFlight: 3, maxQueue: 0)
        for expected in 1...3 {
            try await controller.acquire()
            #expect(controller.inFlight == expected)
        }
        #expect(controller.queued == 0)
        controller.release()
        #expect(controller.inFlight == 2)
        try await controller.acquire()
        #expect(controller.inFlight == 3)
    }

    @Test func fullSlotsAndFullQueueRefuseAtOnce() async throws {
        let controller = AdmissionController(maxInFlight: 2, maxQueue: 1)
        try await controller.acquire()
        try await controller.acquire()
        let order = Recorder<String>()
        let queuedWaiter = Self.waiter(controller, name: "queued", order: order)
        try #require(await eventually { controller.queued == 1 })

        await #expect(throws: AdmissionController.Refusal.queueFull) {
            try await controller.acquire(deadline: .now + .seconds(60))
        }
        #expect(controller.inFlight == 2)
        #expect(controller.queued == 1)

        queuedWaiter.cancel()
        _ = await queuedWaiter.result
        #expect(order.all.isEmpty)
    }

    @Test func zeroQueueRefusesAsSoonAsSlotsAreTaken() async throws {
        let controller = AdmissionController(maxInFlight: 1, maxQueue: 0)
        try await controller.acquire()
        await #expect(throws: AdmissionController.Refusal.queueFull) { try await controller.acquire() }
        #expect(controller.inFlight == 1)
    }

    @Test func releaseHandsTheSlotToTheOldestWaiter() async throws {
        let controller = AdmissionController(maxInFlight: 1, maxQueue: 4)
        try await controller.acquire()
        let order = Recorder<String>()
        let first = Self.waiter(controller, name: "first", order: order)
        try #require(await eventually { controller.queued == 1 })
        let second = Self.waiter(controller, name: "second", order: order)
        try #require(await eventually { controller.queued == 2 })

        controller.release()
        try await first.value
        #expect(order.all == ["first"])
        #expect(controller.inFlight == 1, "the slot passes to the waiter, it is not freed")
        #expect(controller.queued == 1)

        controller.release()
        try await second.value
        #expect(order.all == ["first", "second"])
        #expect(controller.inFlight == 1)
        #expect(controller.queued == 0)

        controller.release()
        #expect(controller.inFlight == 0)
    }

    @Test func newArrivalCannotOvertakeAQueuedWaiter() async throws {
        let controller = AdmissionController(maxInFlight: 1, maxQueue: 4)
        try await controller.acquire()
        let order = Recorder<String>()
        let queued = Self.waiter(controller, name: "queued", order: order)
        try #require(await eventually { controller.queued == 1 })
        controller.release()
        // The slot went to the waiter, so a newcomer must queue rather than take it.
        let late = Self.waiter(controller, name: "late", order: order)
        try await queued.value
        try #require(await eventually { controller.queued == 1 })
        #expect(order.all == ["queued"])
        controller.release()
        try await late.value
        #expect(order.all == ["queued", "late"])
    }

    @Test func cancelledWaiterLeavesTheQueue() async throws {
        let controller = AdmissionController(maxInFlight: 1, maxQueue: 2)
        try await controller.acquire()
        let order = Recorder<String>()
        let cancelled = Self.waiter(controller, name: "cancelled", order: order)
        try #require(await eventually { controller.queued == 1 })

        cancelled.cancel()
        let result = await cancelled.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(controller.queued == 0)
        #expect(controller.inFlight == 1)
        #expect(order.all.isEmpty)

        // The slot is still the holder's: releasing it frees it rather than waking anyone.
        controller.release()
        #expect(controller.inFlight == 0)
    }

    @Test func cancellingOneWaiterKeepsTheOthersInOrder() async throws {
        let controller = AdmissionController(maxInFlight: 1, maxQueue: 3)
        try await controller.acquire()
        let order = Recorder<String>()
        let a = Self.waiter(controller, name: "a", order: order)
        try #require(await eventually { controller.queued == 1 })
        let b = Self.waiter(controller, name: "b", order: order)
        try #require(await eventually { controller.queued == 2 })
        let c = Self.waiter(controller, name: "c", order: order)
        try #require(await eventually { controller.queued == 3 })

        b.cancel()
        _ = await b.result
        #expect(controller.queued == 2)
        controller.release()
        try await a.value
        controller.release()
        try await c.value
        #expect(order.all == ["a", "c"])
    }

    @Test func deadlineAlreadyPassedThrowsDeadlinePassed() async throws {
        let controller = AdmissionController(maxInFlight: 1, maxQueue: 2)
        try await controller.acquire()
        await #expect(throws: AdmissionController.Refusal.deadlinePassed) {
            try await controller.acquire(deadline: .now - .seconds(1))
        }
        #expect(controller.queued == 0)
        #expect(controller.inFlight == 1)
    }

    @Test func deadlineReachedWhileQueuedThrowsDeadlinePassed() async throws {
        let controller = AdmissionController(maxInFlight: 1, maxQueue: 2)
        try await controller.acquire()
        let order = Recorder<String>()
        let waiting = Self.waiter(controller, name: "late", order: order, deadline: .now + .milliseconds(50))
        let result = await waiting.result
        #expect(throws: AdmissionController.Refusal.deadlinePassed) { try result.get() }
        #expect(controller.queued == 0)
        #expect(controller.inFlight == 1)
        #expect(order.all.isEmpty)
    }

    @Test func deadlineIsIgnoredWhenASlotIsFree() async throws {
        let controller = AdmissionController(maxInFlight: 1, maxQueue: 0)
        try await controller.acquire(deadline: .now - .seconds(1))
        #expect(controller.inFlight == 1)
    }

    @Test func admittedWaiterIsNotLaterFailedByItsDeadline() async throws {
        let controller = AdmissionController(maxInFlight: 1, maxQueue: 2)
        try await controller.acquire()
        // Queued and handed the slot by two calls in a row on this task, not by a waiter task
        // that a busy machine may start late (after its deadline).
        let deadline = NIODeadline.now() + .seconds(2)
        let (_, admitted) = try #require(try controller.take(deadline: deadline, on: MultiThreadedEventLoopGroup.singleton.any()))
        #expect(controller.queued == 1)
        controller.release()
        try await admitted.get()
        try await Task.sleep(for: .milliseconds(Int64((deadline - .now()).nanoseconds / 1_000_000) + 100))  // past the deadline
        #expect(controller.inFlight == 1, "the deadline passing after the hand-over changed the slots")
        #expect(controller.queued == 0)
    }

    @Test func observeReportsInFlightAndQueuedAfterEachChange() async throws {
        let reports = Recorder<[Int]>()
        let controller = AdmissionController(maxInFlight: 1, maxQueue: 1) { inFlight, queued in
            reports.append([inFlight, queued])
        }
        try await controller.acquire()
        #expect(reports.all == [[1, 0]])
        let order = Recorder<String>()
        let waiting = Self.waiter(controller, name: "w", order: order)
        try #require(await eventually { controller.queued == 1 })
        #expect(reports.all == [[1, 0], [1, 1]])
        controller.release()
        try await waiting.value
        #expect(reports.all == [[1, 0], [1, 1], [1, 0]])
        controller.release()
        #expect(reports.all == [[1, 0], [1, 1], [1, 0], [0, 0]])
    }

    @Test func observeReportsAWaiterLeavingOnCancellation() async throws {
        let reports = Recorder<[Int]>()
        let controller = AdmissionController(maxInFlight: 1, maxQueue: 1) { inFlight, queued in
            reports.append([inFlight, queued])
        }
        try await controller.acquire()
        let waiting = Self.waiter(controller, name: "w", order: Recorder<String>())
        try #require(await eventually { controller.queued == 1 })
        waiting.cancel()
        _ = await waiting.result
        #expect(reports.all == [[1, 0], [1, 1], [1, 0]])
    }
}
