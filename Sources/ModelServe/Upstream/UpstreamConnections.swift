import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import OllamaKit

/// A lean HTTP/1.1 client for one Ollama server, for the calls ModelServe makes on every
/// request: a non-streamed generate or chat, one POST answered by one JSON body.
///
/// It keeps idle keep-alive connections per event loop and uses one on the loop the calling task
/// runs on, so a request and its upstream call stay on one thread. A loop opens a connection only
/// when it has no idle one, so it keeps at most as many as it ever had calls under way at once
/// (which admission bounds); they close at shutdown, or when the server closes them. Each exchange is one write of
/// the request (head and body together) and one promise completed when the answer's last byte
/// arrives; the timeout is a task scheduled on the loop (no timer task, no task group). Everything
/// else (streams, embeddings, health checks, management calls) keeps using ``OllamaClient`` and
/// AsyncHTTPClient.
///
/// Failures are ``OllamaError``s as ``OllamaClient`` reports them, so failover and the answers
/// callers get are the same: `.connectionFailed` when the server cannot be reached (or the
/// connection drops before an answer), `.timeout`, the status-derived codes for a non-2xx
/// answer, `.malformedResponse` for a body over the limit. A reused idle connection that the
/// server had closed is retried once on a new connection, before anything was answered on it.
final class UpstreamConnections: Sendable {
    /// The server, as configured (e.g. `http://127.0.0.1:11434`).
    let baseURL: String
    private let host: String
    private let port: Int
    private let basePath: String
    private let hostHeader: String
    private let connectTimeout: TimeAmount
    private let maxResponseBytes: Int
    private let state = NIOLockedValueBox(State())

    private struct State {
        /// Idle connections by the event loop they belong to.
        var idle: [ObjectIdentifier: [any Channel]] = [:]
        var shutDown = false
    }

    /// Connections for `baseURL`, or nil when it is not a plain `http://host[:port][/path]` URL
    /// (then the caller keeps using ``OllamaClient`` for everything).
    init?(baseURL: String, connectTimeout: Duration, maxResponseBytes: Int = 64 << 20) {
        guard baseURL.lowercased().hasPrefix("http://") else { return nil }
        var rest = Substring(baseURL.dropFirst("http://".count))
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[slash...])
            rest = rest[..<slash]
        }
        while path.hasSuffix("/") { path.removeLast() }
        var host: Substring
        var port = 80
        if rest.hasPrefix("[") {  // [::1]:11434
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let parsed = Int(after.dropFirst()) else { return nil }
                port = parsed
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            guard let parsed = Int(rest[rest.index(after: colon)...]) else { return nil }
            port = parsed
        } else {
            host = rest
        }
        guard !host.isEmpty, (1...65535).contains(port), !host.contains("@") else { return nil }
        self.baseURL = baseURL
        self.host = String(host)
        self.port = port
        self.basePath = path
        self.hostHeader = String(rest)
        self.connectTimeout = TimeAmount(connectTimeout)
        self.maxResponseBytes = maxResponseBytes
    }

    /// POSTs the JSON `body` to `path` (e.g. `/api/generate`) and returns the body of a 2xx answer.
    ///
    /// - Parameters:
    ///   - eventLoop: where to find or make the connection when the calling task does not run on
    ///     an event loop (when it does, that loop is used, so the answer needs no thread hop).
    ///   - timeout: for the whole call, connecting included.
    func post(
        _ path: String, body: ByteBuffer, on eventLoop: (any EventLoop)? = nil, timeout: Duration
    ) async throws -> ByteBuffer {
        let eventLoop = MultiThreadedEventLoopGroup.currentEventLoop ?? eventLoop ?? MultiThreadedEventLoopGroup.singleton.next()
        let call = UpstreamCall(eventLoop: eventLoop)
        if eventLoop.inEventLoop {
            start(path, body: body, timeout: timeout, call: call)
        } else {
            eventLoop.execute { self.start(path, body: body, timeout: timeout, call: call) }
        }
        return try await withTaskCancellationHandler {
            try await call.answer.get()
        } onCancel: {
            call.cancel()
        }
    }

    /// Starts the POST of `body` to `path` on `call`'s event loop (the caller must be on it);
    /// `call.answer` completes with the body of a 2xx answer or an ``OllamaError``, and
    /// `call.cancel()` abandons it (closing its connection).
    func start(_ path: String, body: ByteBuffer, timeout: Duration, call: UpstreamCall) {
        let eventLoop = call.eventLoop
        eventLoop.preconditionInEventLoop()
        call.deadline = NIODeadline.now() + TimeAmount(timeout)
        call.path = path
        call.timeout = timeout
        do {
            call.timer = try eventLoop.scheduleCallback(at: call.deadline, handler: call)
        } catch {
            call.finish(.failure(OllamaError(code: .connectionFailed, message: "the event loop is shutting down", route: path)))
            return
        }
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: basePath + path)
        head.headers.reserveCapacity(4)
        head.headers.add(name: "Host", value: hostHeader)
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Accept", value: "application/json")
        head.headers.add(name: "Content-Length", value: String(body.readableBytes))
        attempt(head: head, body: body, path: path, call: call)
    }

    /// One try on an idle connection, or on a new one; a reused connection that the server had
    /// closed is tried once more on a new one.
    private func attempt(head: HTTPRequestHead, body: ByteBuffer, path: String, call: UpstreamCall) {
        guard !call.isFinished else { return }
        let eventLoop = call.eventLoop
        let key = ObjectIdentifier(eventLoop)
        while let channel = state.withLockedValue({ $0.idle[key]?.popLast() }) {
            if channel.isActive {
                send(head: head, body: body, on: channel, reused: true, path: path, call: call)
                return
            }
            channel.close(promise: nil)
        }
        let connectLimit = min(connectTimeout, call.deadline - .now())
        guard connectLimit > .zero else { return }  // the call's timer answers
        let bootstrap = ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(connectLimit)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(UpstreamExchangeHandler())
                }
            }
        let connected: EventLoopFuture<any Channel>
        if let address = try? SocketAddress(ipAddress: host, port: port) {
            connected = bootstrap.connect(to: address)
        } else {
            connected = bootstrap.connect(host: host, port: port)
        }
        connected.whenComplete { [self] result in
            switch result {
            case .success(let channel):
                if call.isFinished {
                    checkIn(channel)
                } else {
                    send(head: head, body: body, on: channel, reused: false, path: path, call: call)
                }
            case .failure(let error):
                call.finish(.failure(
                    OllamaError(code: .connectionFailed, message: "cannot reach \(baseURL): \(error)", route: path, cause: error)
                ))
            }
        }
    }

    private func send(head: HTTPRequestHead, body: ByteBuffer, on channel: any Channel, reused: Bool, path: String, call: UpstreamCall) {
        call.channel = channel
        let promise = call.eventLoop.makePromise(of: UpstreamAnswer.self)
        let sentAt = NIODeadline.now()
        // No promise for the write: the handler fails the exchange itself when the connection is
        // closed or closes while writing (channelInactive / errorCaught).
        channel.writeAndFlush(UpstreamExchange(head: head, body: body, limit: maxResponseBytes, promise: promise), promise: nil)
        promise.futureResult.whenComplete { [self] result in
            call.channel = nil
            guard !call.isFinished else {
                channel.close(promise: nil)  // timed out or cancelled: its answer, if any, is unwanted
                return
            }
            switch result {
            case .success(let answer):
                if answer.keepAlive { checkIn(channel) } else { channel.close(promise: nil) }
                guard (200..<300).contains(answer.status) else {
                    call.finish(.failure(OllamaError.forStatus(answer.status, body: String(buffer: answer.body), route: path)))
                    return
                }
                call.finish(.success(answer.body))
            case .failure(let failure as UpstreamExchangeFailure):
                channel.close(promise: nil)
                switch failure {
                case .closedBeforeAnswer where reused && NIODeadline.now() - sentAt < Self.staleConnectionWindow:
                    // An idle connection the server had closed as it was reused: once more on a
                    // new one. Not later than that: the server may have been working on it.
                    attempt(head: head, body: body, path: path, call: call)
                case .closedBeforeAnswer(let cause):
                    call.finish(.failure(OllamaError(
                        code: .connectionFailed,
                        message: "cannot reach \(baseURL): " + (cause.map { "\($0)" } ?? "the connection closed before an answer"),
                        route: path, cause: cause
                    )))
                case .closedDuringAnswer:
                    call.finish(.failure(OllamaError(
                        code: .connectionFailed, message: "cannot reach \(baseURL): the connection closed before the answer ended",
                        route: path
                    )))
                case .tooLarge:
                    call.finish(.failure(OllamaError(code: .malformedResponse, message: "the response body is too large", route: path)))
                case .malformed(let cause):
                    call.finish(.failure(OllamaError(
                        code: .malformedResponse, message: "the answer is not valid HTTP: \(cause)", route: path, cause: cause
                    )))
                }
            case .failure(let error):
                channel.close(promise: nil)
                call.finish(.failure(
                    OllamaError(code: .connectionFailed, message: "cannot reach \(baseURL): \(error)", route: path, cause: error)
                ))
            }
        }
    }

    /// How soon after sending a reused connection may close unanswered and the request still be
    /// retried on a new one: a server closing an idle keep-alive connection does so at once, while
    /// one that dies generating may have worked on the request.
    static let staleConnectionWindow = TimeAmount.milliseconds(250)

    /// Closes the idle connections; connections in use close when their call ends.
    func shutdown() {
        let idle = state.withLockedValue { state in
            state.shutDown = true
            defer { state.idle = [:] }
            return state.idle.values.joined()
        }
        for channel in idle { channel.close(promise: nil) }
    }

    private func checkIn(_ channel: any Channel) {
        let keep = state.withLockedValue { state in
            guard !state.shutDown else { return false }
            state.idle[ObjectIdentifier(channel.eventLoop), default: []].append(channel)
            return true
        }
        if !keep { channel.close(promise: nil) }
    }
}

/// A request to send and where its answer goes.
struct UpstreamExchange: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer
    var limit: Int
    var promise: EventLoopPromise<UpstreamAnswer>
}

/// A whole answer.
struct UpstreamAnswer: Sendable {
    var status: Int
    var keepAlive: Bool
    var body: ByteBuffer
}

enum UpstreamExchangeFailure: Error {
    /// The connection closed or failed before any of the answer arrived.
    case closedBeforeAnswer(cause: (any Error)?)
    /// The connection closed part way through the answer.
    case closedDuringAnswer
    /// What came back is not HTTP the client can read.
    case malformed(any Error)
    case tooLarge
}

/// One POST through ``UpstreamConnections``: its answer, and a way to abandon it. Its state is
/// touched only on its event loop (``cancel()`` hops there).
final class UpstreamCall: NIOScheduledCallbackHandler, @unchecked Sendable {
    let eventLoop: any EventLoop
    private let promise: EventLoopPromise<ByteBuffer>
    /// The body of a 2xx answer, or an ``OllamaError`` (or `CancellationError` after ``cancel()``).
    var answer: EventLoopFuture<ByteBuffer> { promise.futureResult }
    // Loop-confined:
    fileprivate var deadline = NIODeadline.distantFuture
    fileprivate var path = ""
    fileprivate var timeout = Duration.zero
    fileprivate var timer: NIOScheduledCallback?
    /// The connection the exchange is on, while it is.
    fileprivate var channel: (any Channel)?
    fileprivate private(set) var isFinished = false

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        promise = eventLoop.makePromise()
    }

    /// Abandons the call: its connection closes (so the server sees the request go away) and the
    /// answer fails with `CancellationError`. Does nothing once the answer is in.
    func cancel() {
        if eventLoop.inEventLoop {
            cancelOnLoop()
        } else {
            eventLoop.execute { self.cancelOnLoop() }
        }
    }

    private func cancelOnLoop() {
        guard !isFinished else { return }
        let channel = channel
        finish(.failure(CancellationError()))
        channel?.close(promise: nil)
    }

    /// The deadline passed.
    func handleScheduledCallback(eventLoop: some EventLoop) {
        timer = nil
        finish(.failure(OllamaError(code: .timeout, message: "no answer within \(timeout)", route: path)))
    }

    fileprivate func finish(_ result: Result<ByteBuffer, any Error>) {
        guard !isFinished else { return }
        isFinished = true
        timer?.cancel()
        timer = nil
        if case .failure = result, let channel {
            // A timeout: the exchange is still on its connection; closing it ends the request.
            self.channel = nil
            channel.close(promise: nil)
        }
        promise.completeWith(result)
    }
}

/// Sends one ``UpstreamExchange`` at a time and completes its promise with the answer. Lives on
/// the channel's event loop, behind NIO's HTTP/1.1 client codec.
final class UpstreamExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = UpstreamExchange
    typealias OutboundOut = HTTPClientRequestPart

    private var pending: UpstreamExchange?
    private var status = 0
    private var keepAlive = true
    private var body: ByteBuffer?
    private var answering = false

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        guard pending == nil, context.channel.isActive else {
            exchange.promise.fail(UpstreamExchangeFailure.closedBeforeAnswer(cause: nil))
            promise?.fail(UpstreamExchangeFailure.closedBeforeAnswer(cause: nil))
            return
        }
        pending = exchange
        answering = false
        body = nil
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(exchange.body))), promise: nil)
        context.write(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            answering = true
            status = Int(head.status.code)
            keepAlive = head.isKeepAlive
        case .body(var part):
            answering = true
            guard let exchange = pending else { return }
            if (body?.readableBytes ?? 0) + part.readableBytes > exchange.limit {
                fail(UpstreamExchangeFailure.tooLarge)
                context.close(promise: nil)
                return
            }
            if body == nil {
                body = part
            } else {
                body!.writeBuffer(&part)
            }
        case .end:
            guard let exchange = pending else { return }
            pending = nil
            answering = false
            exchange.promise.succeed(UpstreamAnswer(
                status: status, keepAlive: keepAlive, body: body ?? context.channel.allocator.buffer(capacity: 0)
            ))
            body = nil
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(answering ? UpstreamExchangeFailure.closedDuringAnswer : UpstreamExchangeFailure.closedBeforeAnswer(cause: nil))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is HTTPParserError {
            fail(UpstreamExchangeFailure.malformed(error))  // the server answered, but not in HTTP
        } else {
            fail(answering ? error : UpstreamExchangeFailure.closedBeforeAnswer(cause: error))
        }
        context.close(promise: nil)
    }

    private func fail(_ error: any Error) {
        guard let exchange = pending else { return }
        pending = nil
        body = nil
        exchange.promise.fail(error)
    }
}
