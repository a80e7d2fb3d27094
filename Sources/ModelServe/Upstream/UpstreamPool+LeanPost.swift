import NIOCore
import OllamaKit

extension UpstreamPool {
    /// POSTs `body` to `path` through the endpoints' lean clients, best endpoint first, moving
    /// on to the next when one cannot be reached or is busy, all on `eventLoop` (the caller must
    /// be on it) and without a task: for requests answered on their connection's loop.
    ///
    /// Each try gets the time left until `deadline`. The answer fails with the last endpoint's
    /// ``OllamaError`` when every endpoint failed that way, with any other error at once, and with
    /// `.timeout` when the deadline has (all but) passed. Only for a pool where ``allLean``.
    func leanPost(_ path: String, body: ByteBuffer, deadline: NIODeadline, on eventLoop: any EventLoop) -> LeanPost {
        let post = LeanPost(pool: self, path: path, body: body, deadline: deadline, eventLoop: eventLoop)
        post.next(ranking: ranking()[...], lastFailure: nil)
        return post
    }
}

/// A POST moving through the pool's endpoints (see ``UpstreamPool/leanPost(_:body:deadline:on:)``).
/// Loop-confined, except ``cancel()``, which hops to the loop.
final class LeanPost: @unchecked Sendable {
    private let pool: UpstreamPool
    private let path: String
    private let body: ByteBuffer
    private let deadline: NIODeadline
    let eventLoop: any EventLoop
    private let promise: EventLoopPromise<ByteBuffer>
    /// The body of the 2xx answer.
    var answer: EventLoopFuture<ByteBuffer> { promise.futureResult }
    private var current: UpstreamCall?
    private var cancelled = false

    fileprivate init(pool: UpstreamPool, path: String, body: ByteBuffer, deadline: NIODeadline, eventLoop: any EventLoop) {
        self.pool = pool
        self.path = path
        self.body = body
        self.deadline = deadline
        self.eventLoop = eventLoop
        promise = eventLoop.makePromise()
    }

    /// Abandons the POST: the try under way is cancelled (its connection closes) and the answer
    /// fails with `CancellationError`.
    func cancel() {
        guard eventLoop.inEventLoop else {
            eventLoop.execute { self.cancel() }
            return
        }
        guard !cancelled else { return }
        cancelled = true
        if let current {
            current.cancel()  // its answer ends the lease and fails the promise
        } else {
            promise.fail(CancellationError())
        }
    }

    fileprivate func next(ranking: ArraySlice<Int>, lastFailure: OllamaError?) {
        guard !cancelled else {
            promise.fail(CancellationError())
            return
        }
        guard let index = ranking.first else {
            promise.fail(lastFailure ?? OllamaError(code: .connectionFailed, message: "no upstream Ollama is configured", route: path))
            return
        }
        let left = deadline - .now()
        guard left > .milliseconds(1) else {
            promise.fail(lastFailure ?? OllamaError(code: .timeout, message: "no time was left for the upstream call", route: path))
            return
        }
        let upstream = pool.begin(index)
        guard let connections = upstream.connections else {
            pool.end(index, .abandoned)
            promise.fail(OllamaError(code: .connectionFailed, message: "\(upstream.client.baseURL) has no lean client", route: path))
            return
        }
        let call = UpstreamCall(eventLoop: eventLoop)
        current = call
        connections.start(path, body: body, timeout: Duration(left), call: call)
        call.answer.whenComplete { [self] result in
            current = nil
            switch result {
            case .success(let body):
                pool.end(index, .succeeded)
                promise.succeed(body)
            case .failure(let error as OllamaError):
                pool.end(index, .failed(error))
                if error.code == .connectionFailed || error.code == .serverBusy {
                    next(ranking: ranking.dropFirst(), lastFailure: error)
                } else {
                    promise.fail(error)
                }
            case .failure(let error):
                pool.end(index, .abandoned)
                promise.fail(error)
            }
        }
    }
}
