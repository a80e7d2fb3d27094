import Foundation
import Hummingbird
import Logging

/// A webhook receiver in the test process (a Hummingbird app on 127.0.0.1, on a port the kernel
/// chose): it records every request POSTed to it and answers 200, or — for the first `failing`
/// requests — `status`, or holds the first `holding` requests without an answer until
/// ``release()`` (or the test's end).
public final class WebhookReceiver: @unchecked Sendable {
    public struct Request: Sendable {
        public var path: String
        public var body: Data

        /// The body as a JSON object (nil when it is not one).
        public var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        }
    }

    private let lock = NSLock()
    private var port = 0
    private var failuresLeft: Int
    private let failureStatus: Int
    private var holdsLeft: Int
    private var released = false
    private var arrived: [Request] = []
    private var answeredCount = 0

    init(failing: Int, status: Int, holding: Int) {
        failuresLeft = failing
        failureStatus = status
        holdsLeft = holding
    }

    /// A URL of this receiver shaped like a Slack webhook's, with its key in the path.
    public var url: String {
        "http://127.0.0.1:\(lock.withLock { port })/services/T000/B000/\(Self.key)"
    }

    /// The secret part of ``url``: a message or a log line holding it leaked the URL.
    public static let key = "XXkeyOfTheReceiverXX"

    /// Every request that arrived, in order, answered or not.
    public var requests: [Request] { lock.withLock { arrived } }
    /// How many requests have been answered.
    public var answered: Int { lock.withLock { answeredCount } }

    /// Lets the held requests (and any later ones) be answered.
    public func release() {
        lock.withLock { released = true }
    }

    /// The requests once at least `count` have arrived; waits at most `limit` (then returns what came).
    public func waitForRequests(_ count: Int, within limit: Duration = .seconds(60)) async -> [Request] {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let seen = requests
            if seen.count >= count { return seen }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return requests
    }

    enum Answer { case status(Int), hold }

    private func arrive(_ request: Request) -> Answer {
        lock.withLock {
            arrived.append(request)
            if holdsLeft > 0, !released {
                holdsLeft -= 1
                return .hold
            }
            if failuresLeft > 0 {
                failuresLeft -= 1
                return .status(failureStatus)
            }
            return .status(200)
        }
    }

    private func answer(_ status: Int) -> Response {
        lock.withLock { answeredCount += 1 }
        return Response(status: .init(code: status))
    }

    /// Starts a receiver, runs `body` with it, and stops it.
    public static func with<T>(
        failing: Int = 0, status: Int = 500, holding: Int = 0, _ body: (WebhookReceiver) async throws -> T
    ) async throws -> T {
        let receiver = WebhookReceiver(failing: failing, status: status, holding: holding)
        let router = Router()
        router.post("**") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let arrival = Request(path: request.uri.path, body: Data(buffer.readableBytesView))
            switch receiver.arrive(arrival) {
            case .status(let status):
                return receiver.answer(status)
            case .hold:
                let limit = ContinuousClock.now + .seconds(120)
                while !receiver.lock.withLock({ receiver.released }), ContinuousClock.now < limit {
                    try await Task.sleep(for: .milliseconds(10))
                }
                return receiver.answer(200)
            }
        }
        return try await LoopbackHTTPServer.with(router, name: "webhook-receiver", stopping: { receiver.release() }) { port in
            receiver.lock.withLock { receiver.port = port }
            return try await body(receiver)
        }
    }
}
