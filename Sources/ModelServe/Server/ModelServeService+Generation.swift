import Foundation
import Hummingbird
import NIOCore
import OllamaKit

/// `POST /v1/generate` and `POST /v1/chat`: validation, the cache, admission, the upstream call
/// with failover, and the answer whole or streamed.
extension ModelServeService {
    func generate(_ request: Request, context: ModelServeContext) async throws -> Response {
        let start = ContinuousClock.now
        let body = try await RequestDecoding.decode(GenerateBody.self, from: request, maxBytes: configuration.limits.maxBodyBytes)
        let job = try generationJob(
            for: body, requestID: context.requestID, keyID: context.keyID, start: start, timeout: context.timeout
        )
        logPrompt(of: job)
        return try await run(job, stream: body.stream ?? false, format: StreamFormat(accept: request.headers[.accept]), on: context.eventLoop)
    }

    func chat(_ request: Request, context: ModelServeContext) async throws -> Response {
        let start = ContinuousClock.now
        let body = try await RequestDecoding.decode(ChatBody.self, from: request, maxBytes: configuration.limits.maxBodyBytes)
        let job = try generationJob(
            for: body, requestID: context.requestID, keyID: context.keyID, start: start, timeout: context.timeout
        )
        logPrompt(of: job)
        return try await run(job, stream: body.stream ?? false, format: StreamFormat(accept: request.headers[.accept]), on: context.eventLoop)
    }

    /// The generation a `/v1/generate` body asks for, once it is valid (a 422 otherwise).
    func generationJob(
        for body: GenerateBody, requestID: String, keyID: String?, start: ContinuousClock.Instant, timeout: Duration
    ) throws -> GenerationJob {
        let model = try validated(model: body.model, problems: body.problems(limits: configuration.limits))
        var canonical = body
        canonical.model = model
        canonical.stream = nil
        let prompt = body.prompt
        let upstreamRequest = GenerateRequest(
            model: model, prompt: body.prompt, system: body.system, options: body.sampling.ollamaOptions
        )
        return GenerationJob(
            route: .generate, model: model, requestID: requestID, start: start, timeout: timeout, prompt: { prompt },
            cacheKey: cache == nil ? nil : CacheKey.forRequest(
                model: model, input: canonical, temperature: body.sampling.temperature,
                partition: configuration.cacheScope.partition(keyID: keyID)
            ),
            upstreamPath: "/api/generate",
            upstreamBody: {
                OllamaWire.generateBody(
                    model: model, prompt: upstreamRequest.prompt ?? "", system: upstreamRequest.system,
                    options: upstreamRequest.options, allocator: Self.allocator
                )
            },
            decodeAnswer: { try OllamaWire.piece(of: $0, decoding: GenerateResponse.self, route: "/api/generate", GenerationPiece.init) },
            viaClient: { client, timeout in GenerationPiece(try await client.generate(upstreamRequest, timeout: timeout)) },
            streamed: { client, timeout in GenerationCursor(client.generateStream(upstreamRequest, timeout: timeout), GenerationPiece.init) }
        )
    }

    /// The generation a `/v1/chat` body asks for, once it is valid (a 422 otherwise).
    func generationJob(
        for body: ChatBody, requestID: String, keyID: String?, start: ContinuousClock.Instant, timeout: Duration
    ) throws -> GenerationJob {
        let model = try validated(model: body.model, problems: body.problems(limits: configuration.limits))
        var canonical = body
        canonical.model = model
        canonical.stream = nil
        let upstreamRequest = ChatRequest(model: model, messages: body.ollamaMessages, options: body.sampling.ollamaOptions)
        let messages = body.messages
        return GenerationJob(
            route: .chat, model: model, requestID: requestID, start: start, timeout: timeout,
            prompt: { messages.map { "\($0.role): \($0.content)" }.joined(separator: "\n") },
            cacheKey: cache == nil ? nil : CacheKey.forRequest(
                model: model, input: canonical, temperature: body.sampling.temperature,
                partition: configuration.cacheScope.partition(keyID: keyID)
            ),
            upstreamPath: "/api/chat",
            upstreamBody: {
                OllamaWire.chatBody(model: model, messages: messages, options: upstreamRequest.options, allocator: Self.allocator)
            },
            decodeAnswer: { try OllamaWire.piece(of: $0, decoding: ChatResponse.self, route: "/api/chat", GenerationPiece.init) },
            viaClient: { client, timeout in GenerationPiece(try await client.chat(upstreamRequest, timeout: timeout)) },
            streamed: { client, timeout in GenerationCursor(client.chatStream(upstreamRequest, timeout: timeout), GenerationPiece.init) }
        )
    }

    /// Logs the job's prompt at debug level, only when `--log-prompts` allows it: once the
    /// request is valid and within its rate limit.
    func logPrompt(of job: GenerationJob) {
        guard configuration.logPrompts else { return }
        logger.debug("prompt", metadata: ["request_id": .string(job.requestID), "prompt": .string(job.prompt())])
    }

    /// One generation to perform, independent of the route it came from.
    /// (A class: it is handed along the whole answer, and copying its closures and strings at
    /// every step cost more than sharing one reference.)
    final class GenerationJob: Sendable {
        let route: ServeRoute
        let model: String
        let requestID: String
        let start: ContinuousClock.Instant
        let timeout: Duration
        /// The prompt or messages as text, for `--log-prompts`.
        let prompt: @Sendable () -> String
        /// Set when the request is deterministic and the cache is on.
        let cacheKey: CacheKey?
        /// The non-streamed call through an endpoint's lean client: where, what, and how to read
        /// the answer.
        let upstreamPath: String
        let upstreamBody: @Sendable () -> ByteBuffer
        let decodeAnswer: @Sendable (ByteBuffer) throws -> GenerationPiece
        /// The non-streamed call through ``OllamaClient``, for endpoints without a lean client.
        let viaClient: @Sendable (OllamaClient, Duration) async throws -> GenerationPiece
        let streamed: @Sendable (OllamaClient, Duration) -> GenerationCursor

        init(
            route: ServeRoute, model: String, requestID: String, start: ContinuousClock.Instant, timeout: Duration,
            prompt: @escaping @Sendable () -> String, cacheKey: CacheKey?, upstreamPath: String, upstreamBody: @escaping @Sendable () -> ByteBuffer,
            decodeAnswer: @escaping @Sendable (ByteBuffer) throws -> GenerationPiece,
            viaClient: @escaping @Sendable (OllamaClient, Duration) async throws -> GenerationPiece,
            streamed: @escaping @Sendable (OllamaClient, Duration) -> GenerationCursor
        ) {
            self.route = route
            self.model = model
            self.requestID = requestID
            self.start = start
            self.timeout = timeout
            self.prompt = prompt
            self.cacheKey = cacheKey
            self.upstreamPath = upstreamPath
            self.upstreamBody = upstreamBody
            self.decodeAnswer = decodeAnswer
            self.viaClient = viaClient
            self.streamed = streamed
        }
    }

    private func run(_ job: GenerationJob, stream: Bool, format: StreamFormat, on eventLoop: any EventLoop) async throws -> Response {
        if !stream {
            let generation = WholeGeneration(service: self, job: job, eventLoop: eventLoop)
            return Self.json(try await withTaskCancellationHandler {
                try await generation.answer.get()
            } onCancel: {
                generation.cancel()
            })
        }
        if let key = job.cacheKey, let cache {
            if let hit = cache.get(key) {
                metrics.recordCache(hit: true)
                return cachedStream(hit, job: job, format: format)
            }
            metrics.recordCache(hit: false)
        }
        let deadline = job.start + job.timeout
        try await admit(deadline: deadline)
        return try await streamed(job, deadline: deadline, format: format)
    }

    /// A whole generation's answer, once the upstream has given it: metrics recorded, cached
    /// when deterministic.
    func finished(_ job: GenerationJob, piece: GenerationPiece, upstreamTime: Duration) -> CompletionResponse {
        metrics.recordUpstream(route: job.route.rawValue, duration: upstreamTime)
        recordGeneration(piece.metrics)
        let generating = Duration.nanoseconds(piece.metrics.evalDuration ?? 0)
        metrics.recordTimeToFirstToken(
            route: job.route.rawValue, duration: max(.zero, ContinuousClock.now - job.start - generating)
        )
        let completion = Completion(
            model: job.model, text: piece.text, doneReason: piece.doneReason, usage: .init(piece.metrics)
        )
        if let key = job.cacheKey { cache?.put(key, completion) }
        return CompletionResponse(id: job.requestID, route: job.route, completion: completion, cached: false)
    }

    /// A cached completion as a stream: its whole text in one piece, then the final piece.
    private func cachedStream(_ completion: Completion, job: GenerationJob, format: StreamFormat) -> Response {
        let pieces = [
            format.frame(StreamChunk(id: job.requestID, model: job.model, delta: completion.text, done: false)),
            format.frame(StreamChunk(
                id: job.requestID, model: job.model, delta: "", done: true, doneReason: completion.doneReason,
                usage: completion.usage, cached: true
            )),
        ]
        return Response(status: .ok, headers: format.headers, body: ResponseBody(contentsOf: pieces))
    }

    /// Opens the upstream stream (failing over until a first piece arrives, so upstream errors
    /// still get a proper status), then streams the rest. The admission slot and the upstream
    /// lease are held until the last piece is written, the deadline passes, or the client leaves.
    private func streamed(_ job: GenerationJob, deadline: ContinuousClock.Instant, format: StreamFormat) async throws -> Response {
        let upstreamStart = ContinuousClock.now
        let opened: (GenerationCursor, GenerationPiece?)
        let lease: UpstreamLease
        do {
            (opened, lease) = try await pool.performHolding { upstream in
                let cursor = job.streamed(upstream.client, try remaining(until: deadline))
                let first = try await Self.next(of: cursor, before: deadline)
                return (cursor, first)
            }
        } catch {
            admission.release()
            if error is DeadlineExceeded { throw APIError.deadlineExceeded }
            throw upstreamFailure(error)
        }
        metrics.recordTimeToFirstToken(route: job.route.rawValue, duration: ContinuousClock.now - job.start)
        let (cursor, first) = opened
        let hold = StreamHold(admission: admission, lease: lease)
        return Response(status: .ok, headers: format.headers, body: ResponseBody { [self] writer in
            var text = ""
            var outcome = UpstreamPool.Outcome.abandoned
            var piece = first
            do {
                while let current = piece {
                    text += current.text
                    if current.done {
                        let usage = Completion.Usage(current.metrics)
                        try await writer.write(format.frame(StreamChunk(
                            id: job.requestID, model: job.model, delta: current.text, done: true,
                            doneReason: current.doneReason, usage: usage, cached: job.cacheKey == nil ? nil : false
                        )))
                        recordGeneration(current.metrics)
                        if let key = job.cacheKey {
                            cache?.put(key, Completion(model: job.model, text: text, doneReason: current.doneReason, usage: usage))
                        }
                        outcome = .succeeded
                        break
                    }
                    if !current.text.isEmpty {
                        try await writer.write(format.frame(StreamChunk(id: job.requestID, model: job.model, delta: current.text, done: false)))
                    }
                    piece = try await Self.next(of: cursor, before: deadline)
                }
                if case .abandoned = outcome {
                    // The upstream ended without a final piece.
                    try await writeFailure(
                        APIError(status: .badGateway, code: "upstream_error", message: "the upstream stream ended early"),
                        job: job, format: format, writer: &writer
                    )
                }
                try await writer.finish(nil)
            } catch {
                let failure: APIError
                if error is DeadlineExceeded {
                    failure = APIError.deadlineExceeded
                } else if let failed = error as? OllamaError {
                    outcome = .failed(failed)
                    failure = APIError.from(upstreamFailure(failed))
                } else {
                    // The client went away (a write failed) or the server is cancelling: nothing
                    // more can be written. Dropping the cursor cancels the upstream request.
                    hold.end(outcome)
                    metrics.recordUpstream(route: job.route.rawValue, duration: ContinuousClock.now - upstreamStart)
                    throw error
                }
                try? await writeFailure(failure, job: job, format: format, writer: &writer)
                try? await writer.finish(nil)
            }
            hold.end(outcome)
            metrics.recordUpstream(route: job.route.rawValue, duration: ContinuousClock.now - upstreamStart)
        })
    }

    private func writeFailure(
        _ failure: APIError, job: GenerationJob, format: StreamFormat, writer: inout any ResponseBodyWriter
    ) async throws {
        try await writer.write(format.frame(StreamChunk(
            id: job.requestID, model: job.model, delta: "", done: true,
            error: .init(code: failure.code, message: failure.message, requestID: job.requestID)
        )))
    }

    /// The cursor's next piece, or ``DeadlineExceeded`` when `deadline` comes first (the read is
    /// then cancelled, which cancels the upstream request).
    static func next(of cursor: GenerationCursor, before deadline: ContinuousClock.Instant) async throws -> GenerationPiece? {
        try await withThrowingTaskGroup(of: GenerationPiece?.self) { group in
            group.addTask { try await cursor.next() }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                throw DeadlineExceeded()
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }
}

/// What a streamed answer holds until its last piece: an admission slot and an upstream lease.
/// Given back once by ``end(_:)``; if the response body is never written (the connection closed
/// before it started), giving back happens when the hold is released.
final class StreamHold: @unchecked Sendable {
    private let admission: AdmissionController
    private let lease: UpstreamLease
    private let lock = NSLock()
    private var ended = false  // guarded by `lock`

    init(admission: AdmissionController, lease: UpstreamLease) {
        self.admission = admission
        self.lease = lease
    }

    func end(_ outcome: UpstreamPool.Outcome) {
        guard takeEnd() else { return }
        lease.end(outcome)
        admission.release()
    }

    private func takeEnd() -> Bool {
        lock.withLock {
            defer { ended = true }
            return !ended
        }
    }

    deinit {
        guard takeEnd() else { return }
        lease.end(.abandoned)
        admission.release()
    }
}

/// A request's deadline passed while its upstream answer was still coming.
struct DeadlineExceeded: Error {}
