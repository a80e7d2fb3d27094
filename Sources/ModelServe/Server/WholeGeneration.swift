import NIOCore
import OllamaKit

/// A non-streamed generation carried out on one event loop without a task: the cache, admission
/// (queueing behind a promise when every slot is taken), the upstream POST with failover through
/// the endpoints' lean clients (or, for upstreams without one, ``OllamaClient`` in a task that
/// ``cancel()`` cancels), metrics, and the answer.
///
/// Both ways a non-streamed generate or chat arrives use it: the router's handler awaits
/// ``answer``, and ``InlineCompletionHandler`` answers from its callback on the connection's loop.
/// ``answer`` fails with an ``APIError`` the caller can be shown, or with `CancellationError`
/// after ``cancel()``. Loop-confined, except ``cancel()``, which hops to the loop.
final class WholeGeneration: @unchecked Sendable {
    private let service: ModelServeService
    private let job: ModelServeService.GenerationJob
    let eventLoop: any EventLoop
    private let promise: EventLoopPromise<CompletionResponse>
    /// The completion, or why there is none.
    var answer: EventLoopFuture<CompletionResponse> { promise.futureResult }

    private enum Stage {
        case starting
        case queued(AdmissionController.Ticket)
        /// Through the endpoints' lean clients, on this loop.
        case posting(LeanPost)
        /// Through ``OllamaClient`` (an endpoint without a lean client), in a task.
        case calling(Task<Void, Never>)
        case done
    }

    private var stage = Stage.starting

    /// Starts the generation (the caller may be on any thread; the work happens on `eventLoop`).
    init(service: ModelServeService, job: ModelServeService.GenerationJob, eventLoop: any EventLoop) {
        self.service = service
        self.job = job
        self.eventLoop = eventLoop
        promise = eventLoop.makePromise()
        if eventLoop.inEventLoop {
            begin()
        } else {
            eventLoop.execute { self.begin() }
        }
    }

    /// Abandons the generation (its client went away): it leaves the queue, or its upstream
    /// request is cancelled, and the admission slot is given back.
    func cancel() {
        guard eventLoop.inEventLoop else {
            eventLoop.execute { self.cancel() }
            return
        }
        switch stage {
        case .starting, .done:
            return
        case .queued(let ticket):
            stage = .done
            service.admission.leave(ticket)
            promise.fail(CancellationError())
        case .posting(let post):
            post.cancel()  // its answer (a CancellationError) ends the generation
        case .calling(let task):
            task.cancel()  // cancels the client's request; the task's end ends the generation
        }
    }

    private func begin() {
        guard case .starting = stage else { return }
        if let key = job.cacheKey, let cache = service.cache {
            if let hit = cache.get(key) {
                service.metrics.recordCache(hit: true)
                finish(.success(CompletionResponse(id: job.requestID, route: job.route, completion: hit, cached: true)))
                return
            }
            service.metrics.recordCache(hit: false)
        }
        let deadline = AdmissionController.nioDeadline(job.start + job.timeout)
        do {
            guard let (ticket, admitted) = try service.admission.take(deadline: deadline, on: eventLoop) else {
                post(deadline: deadline)
                return
            }
            stage = .queued(ticket)
            admitted.whenComplete { [self] result in
                guard case .queued = stage else {
                    // Cancelled after a slot was already handed over (from another loop, before
                    // this callback ran): give it back, or it is lost for good.
                    if case .success = result { service.admission.release() }
                    return
                }
                switch result {
                case .success:
                    post(deadline: deadline)
                case .failure(AdmissionController.Refusal.deadlinePassed):
                    finish(.failure(APIError.queueTimeout))
                case .failure(let error):
                    finish(.failure(error))
                }
            }
        } catch {
            finish(.failure(APIError.queueFull))
        }
    }

    /// With an admission slot: the upstream call, and the slot given back when it ends.
    private func post(deadline: NIODeadline) {
        let upstreamStart = ContinuousClock.now
        if service.pool.allLean {
            let post = service.pool.leanPost(job.upstreamPath, body: job.upstreamBody(), deadline: deadline, on: eventLoop)
            stage = .posting(post)
            post.answer.whenComplete { [self] result in
                answered(result.flatMap { body in Result { try job.decodeAnswer(body) } }, since: upstreamStart)
            }
        } else {
            let promise = eventLoop.makePromise(of: GenerationPiece.self)
            let (service, job) = (service, job)
            stage = .calling(Task {
                do {
                    promise.succeed(try await service.pool.perform { client in
                        try await job.viaClient(client, try service.remaining(until: job.start + job.timeout))
                    })
                } catch {
                    promise.fail(error)
                }
            })
            promise.futureResult.whenComplete { [self] result in answered(result, since: upstreamStart) }
        }
    }

    /// The upstream call ended: the slot goes back, and the answer (or why there is none) is made.
    private func answered(_ result: Result<GenerationPiece, any Error>, since upstreamStart: ContinuousClock.Instant) {
        service.admission.release()
        switch result {
        case .success(let piece):
            finish(.success(service.finished(job, piece: piece, upstreamTime: ContinuousClock.now - upstreamStart)))
        case .failure(let error):
            finish(.failure(service.upstreamFailure(error)))
        }
    }

    private func finish(_ result: Result<CompletionResponse, any Error>) {
        if case .done = stage { return }
        stage = .done
        promise.completeWith(result)
    }
}
