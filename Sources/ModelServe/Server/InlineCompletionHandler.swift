import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// Answers the usual request — a non-streamed `POST /v1/generate` or `POST /v1/chat` with a valid
/// key and body — on the connection's event loop, with no task, router or middleware hop: the
/// answer's whole path (key check, rate limit, admission, upstream call with failover, metrics,
/// access log) runs in callbacks on the loop that read the request and that the upstream answer
/// arrives on. It sits in the HTTP/1.1 pipeline right after NIO's HTTP decoder, before the
/// conversion to HTTP types for the router (``ModelServeHTTP1Channel``), so a request answered
/// here is never converted.
///
/// Anything else is handed on to the router untouched, before any of the request's effects:
/// other routes and methods, streams, `Connection: close`, `Expect`, bodies over the limit, and
/// every request the router would refuse (a missing, unknown or forbidden key, a bad
/// `X-Request-Timeout`, a wrong content type, JSON it cannot read, a failed validation), so those
/// answers — and their order — stay the router's. Once a request is taken here (its key checked,
/// its body valid) its answer is written here: 200, or the rate limit's 429, admission's 503s,
/// upstream 502/503/504s, as ``APIError``s built the same way as the router's.
///
/// Order on the connection is kept: a request is taken only when the router has no request of
/// the connection unanswered, and while one is answered here any part that arrives behind it
/// waits (and reading pauses once one has). A graceful shutdown's quiesce event waits for the answer too, so the
/// connection closes only after it is written.
final class InlineCompletionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    static let requestIDHeader = RequestID.header.canonicalName
    static let singleHeaders = ["authorization", "content-type", "content-length", "x-request-id", "x-request-timeout"]
    static let timeoutHeader = GatewayMiddleware.timeoutHeader.canonicalName

    private let service: ModelServeService
    private let dates: HTTPDate
    private let serverName: String

    private enum State {
        /// Between requests.
        case idle
        /// A candidate's body is being read.
        case collecting(Candidate)
        /// A request handed to the router: its parts go on until its end.
        case passing
        /// A request being answered here.
        case answering(WholeGeneration?)
    }

    private struct Candidate {
        var head: HTTPRequestHead
        var route: ServeRoute
        var start: ContinuousClock.Instant
        var body: ByteBuffer?
    }

    private var state = State.idle
    /// Requests handed to the router whose answer has not ended.
    private var routerAnswering = 0
    /// What arrived while a request was answered here, in order: parts of later requests, a
    /// parse error, the client closing its side. All wait for the answer.
    private var waiting: [Arrival] = []
    private var readHeld = false
    private var quiesceHeld = false
    private var quiescing = false
    /// The connection has gone: nothing waiting is started any more.
    private var closed = false

    private enum Arrival {
        case part(HTTPServerRequestPart)
        case error(any Error)
        case event(Any)
    }

    private let accessLog: AccessLog

    init(service: ModelServeService, dates: HTTPDate, serverName: String) {
        self.service = service
        accessLog = AccessLog(metrics: service.metrics, logger: service.logger)
        self.dates = dates
        self.serverName = serverName
    }

    // MARK: - Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if isAnsweringHere {
            waiting.append(.part(part))
        } else {
            handle(part, context: context)
        }
    }

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch (state, part) {
        case (.idle, .head(let head)):
            if let route = candidateRoute(head) {
                state = .collecting(Candidate(head: head, route: route, start: .now))
            } else {
                handOn(.head(head), context: context)
            }
        case (.collecting(var candidate), .body(var chunk)):
            state = .idle  // the candidate's only reference while the body grows (no copy on write)
            let size = (candidate.body?.readableBytes ?? 0) + chunk.readableBytes
            guard size <= service.configuration.limits.maxBodyBytes else {
                handOn(candidate, context: context)
                handOn(.body(chunk), context: context)
                return
            }
            if candidate.body == nil {
                candidate.body = chunk
            } else {
                candidate.body!.writeBuffer(&chunk)
            }
            state = .collecting(candidate)
        case (.collecting(let candidate), .end(let trailers)):
            take(candidate, trailers: trailers, context: context)
        case (.collecting(let candidate), .head):
            // Not what the codec sends; the router judges both.
            handOn(candidate, context: context)
            handOn(part, context: context)
        case (.passing, _), (.idle, _):
            handOn(part, context: context)
        case (.answering, _):
            waiting.append(.part(part))
        }
    }

    /// The route when `head` may be answered here, judged from the head alone.
    private func candidateRoute(_ head: HTTPRequestHead) -> ServeRoute? {
        guard routerAnswering == 0, !quiescing, head.method == .POST, head.version == .http1_1 else { return nil }
        let route: ServeRoute
        switch head.uri {
        case ServeRoute.generate.path: route = .generate
        case ServeRoute.chat.path: route = .chat
        default: return nil
        }
        let headers = head.headers
        if headers.contains(name: "connection") || headers.contains(name: "expect") || headers.contains(name: "transfer-encoding") {
            return nil
        }
        // A header given twice is read by the router as the values joined: leave those to it.
        for name in Self.singleHeaders where headers[name].count > 1 { return nil }
        guard let length = headers.first(name: "content-length").flatMap(Int.init),
              length <= service.configuration.limits.maxBodyBytes,
              RequestDecoding.isJSON(headers.first(name: "content-type"))
        else { return nil }
        return route
    }

    /// Hands a part on to the router: a head is a request it will answer (counted until its
    /// answer ends), and the request's end makes this handler free to take the next one.
    private func handOn(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head:
            routerAnswering += 1
            state = .passing
        case .end:
            state = .idle
        case .body:
            break
        }
        context.fireChannelRead(wrapInboundOut(part))
    }

    /// Hands a candidate read so far on to the router.
    private func handOn(_ candidate: Candidate, context: ChannelHandlerContext) {
        handOn(.head(candidate.head), context: context)
        if let body = candidate.body { handOn(.body(body), context: context) }
    }

    /// A request taken here: what its answer and access-log line need.
    private struct Taken {
        var candidate: Candidate
        var requestID: String
        var keyID: String
    }

    /// Answers the candidate here when the router would accept it, else hands it on whole.
    private func take(_ candidate: Candidate, trailers: HTTPHeaders?, context: ChannelHandlerContext) {
        let requestID = RequestID.accept(candidate.head.headers.first(name: Self.requestIDHeader))
        guard let (keyID, job) = accepted(candidate, requestID: requestID) else {
            handOn(candidate, context: context)
            handOn(.end(trailers), context: context)
            return
        }
        let taken = Taken(candidate: candidate, requestID: requestID, keyID: keyID)
        if case .limited(let retryAfter) = service.rateLimiter.take(keyID: keyID) {
            state = .answering(nil)
            answer(.failure(APIError.rateLimited(after: retryAfter)), for: taken, context: context)
            return
        }
        service.logPrompt(of: job)
        let generation = WholeGeneration(service: service, job: job, eventLoop: context.eventLoop)
        state = .answering(generation)
        // The generation runs on this loop, so its answer arrives here.
        generation.answer.assumeIsolated().whenComplete { [self] result in
            if case .failure(is CancellationError) = result {
                // The client went away: nothing to write. Recorded as nginx's 499 (client closed request).
                accessLog.record(
                    requestID: requestID, method: .post, route: candidate.route.rawValue, status: 499,
                    keyID: keyID, since: candidate.start
                )
                finishAnswer(context: context)
            } else {
                answer(result, for: taken, context: context)
            }
        }
    }

    /// The key's public id and the generation asked for, when the router would accept the
    /// request as it is (before its rate limit); nil when it would refuse it.
    private func accepted(_ candidate: Candidate, requestID: String) -> (String, ModelServeService.GenerationJob)? {
        let headers = candidate.head.headers
        guard case .allowed(let keyID) = service.keys.authenticate(
                  bearer: headers.first(name: "authorization"), route: candidate.route.rawValue
              ),
              let timeout = try? GatewayMiddleware.timeout(
                  asked: headers.first(name: Self.timeoutHeader), limit: service.configuration.requestTimeout
              ),
              let body = candidate.body
        else { return nil }
        switch candidate.route {
        case .generate:
            guard let request = GenerateBody.scanned(body), request.stream != true,
                  let job = try? service.generationJob(
                      for: request, requestID: requestID, keyID: keyID, start: candidate.start, timeout: timeout
                  )
            else { return nil }
            return (keyID, job)
        default:
            guard let request = try? RequestDecoding.decoder.decode(ChatBody.self, from: body), request.stream != true,
                  let job = try? service.generationJob(
                      for: request, requestID: requestID, keyID: keyID, start: candidate.start, timeout: timeout
                  )
            else { return nil }
            return (keyID, job)
        }
    }

    // MARK: - Answers

    /// Writes the answer of a request taken here, and its access-log line.
    private func answer(_ result: Result<CompletionResponse, any Error>, for taken: Taken, context: ChannelHandlerContext) {
        let requestID = taken.requestID
        var headers = HTTPHeaders()
        let status: HTTPResponse.Status
        var body: ByteBuffer
        switch result {
        case .success(let response):
            status = .ok
            headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            headers.add(name: "X-Request-ID", value: requestID)
            body = response.jsonBuffer(allocator: context.channel.allocator)
        case .failure(let error):
            let apiError = APIError.from(error)
            if apiError.status == .internalServerError {
                service.logger.error("request failed", metadata: ["request_id": .string(requestID), "error": "\(error)"])
            }
            status = apiError.status
            let fields: HTTPFields
            (fields, body) = apiError.answer(requestID: requestID)
            for field in fields { headers.add(name: field.name.canonicalName, value: field.value) }
        }
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        headers.add(name: "Date", value: dates.now)
        headers.add(name: "Server", value: serverName)
        let head = HTTPResponseHead(
            version: .http1_1, status: HTTPResponseStatus(statusCode: status.code, reasonPhrase: status.reasonPhrase), headers: headers
        )
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        accessLog.record(
            requestID: requestID, method: .post, route: taken.candidate.route.rawValue,
            status: Int(status.code), keyID: taken.keyID, since: taken.candidate.start
        )
        finishAnswer(context: context)
    }

    /// After an answer here: what waited goes on — parts that arrived meanwhile (to be taken
    /// here or handed on), a parse error or the client closing its side, then a held quiesce
    /// event (after the requests before it, as the router would), then a held read.
    private func finishAnswer(context: ChannelHandlerContext) {
        guard isAnsweringHere else { return }
        state = .idle
        guard !closed else { return }
        if !waiting.isEmpty {
            while !waiting.isEmpty, !isAnsweringHere {
                switch waiting.removeFirst() {
                case .part(let part): handle(part, context: context)
                case .error(let error): pass(error, context: context)
                case .event(let event): context.fireUserInboundEventTriggered(event)
                }
            }
            // Outside a read cycle: the router's reader takes what it was given at read complete.
            context.fireChannelReadComplete()
        }
        if quiesceHeld, !isAnsweringHere {
            quiesceHeld = false
            context.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        if readHeld, !isAnsweringHere {
            readHeld = false
            context.read()
        }
    }

    private var isAnsweringHere: Bool {
        if case .answering = state { return true }
        return false
    }

    // MARK: - Outbound and events

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            routerAnswering = max(0, routerAnswering - 1)
        }
        context.write(data, promise: promise)
    }

    func read(context: ChannelHandlerContext) {
        if isAnsweringHere && !waiting.isEmpty {
            // Backpressure once the client pipelines behind an answer: nothing more is read until
            // it is written. (Not before: holding every read would make NIO drop and re-register
            // the socket's read interest on each request, two extra system calls.)
            readHeld = true
        } else {
            context.read()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            if case ChannelEvent.inputClosed = event, case .answering(let generation) = state {
                // The client closed its side during an answer: taken, as nginx does, as the
                // client going away — the upstream request is cancelled and nothing behind it
                // starts. (The router would still answer a client that only half-closed.)
                closed = true
                waiting.removeAll()
                generation?.cancel()
                context.fireUserInboundEventTriggered(event)
            } else if isAnsweringHere {
                waiting.append(.event(event))
            } else {
                if case .collecting(let candidate) = state { handOn(candidate, context: context) }
                context.fireUserInboundEventTriggered(event)
            }
            return
        }
        quiescing = true
        switch state {
        case .answering:
            quiesceHeld = true
        case .collecting(let candidate):
            // Its body is still coming: the router finishes it, then closes the connection.
            handOn(candidate, context: context)
            context.fireUserInboundEventTriggered(event)
        case .idle, .passing:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if isAnsweringHere {
            waiting.append(.error(error))  // e.g. a malformed request pipelined behind the answer
        } else {
            pass(error, context: context)
        }
    }

    /// An error goes on to the router (which answers a parse error with 400 and closes), after
    /// the head and body of a request being read here, so it belongs to that request.
    private func pass(_ error: any Error, context: ChannelHandlerContext) {
        if case .collecting(let candidate) = state { handOn(candidate, context: context) }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        waiting.removeAll()  // nothing behind an answer starts once the client has gone
        if case .answering(let generation?) = state {
            generation.cancel()  // and its upstream request goes too
        }
        context.fireChannelInactive()
    }
}
