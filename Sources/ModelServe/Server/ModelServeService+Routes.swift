import Hummingbird
import Logging
import NIOCore
import OllamaKit

extension ModelServeService {
    /// The router: every ``ServeRoute`` behind the ``GatewayMiddleware``.
    public func router() -> Router<ModelServeContext> {
        let router = Router(context: ModelServeContext.self)
        router.add(middleware: GatewayMiddleware(
            keys: keys, rateLimiter: rateLimiter, metrics: metrics, logger: logger, requestTimeout: configuration.requestTimeout
        ))
        router.post(RouterPath(ServeRoute.generate.path)) { request, context in
            try await self.generate(request, context: try Self.keyed(context))
        }
        router.post(RouterPath(ServeRoute.chat.path)) { request, context in
            try await self.chat(request, context: try Self.keyed(context))
        }
        router.post(RouterPath(ServeRoute.embeddings.path)) { request, context in
            try await self.embeddings(request, context: try Self.keyed(context))
        }
        router.get(RouterPath(ServeRoute.health.path)) { _, _ in try Self.json(["status": "ok"]) }
        router.get(RouterPath(ServeRoute.ready.path)) { _, _ in try await self.ready() }
        router.get(RouterPath(ServeRoute.metrics.path)) { _, _ in self.metricsResponse() }
        router.get(RouterPath(ServeRoute.version.path)) { _, _ in try await self.version() }
        router.get(RouterPath(ServeRoute.openapi.path)) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.json))
            )
        }
        return router
    }

    /// The context of a request to a route that needs a key, once the gateway has checked it; a
    /// 401 if it has not (the gateway finds the route by the endpoint the router reached, so this
    /// holds only if the two ever disagree about a spelling of a path).
    static func keyed(_ context: ModelServeContext) throws -> ModelServeContext {
        guard context.keyID != nil else { throw APIError.missingKey }
        return context
    }

    /// `POST /v1/embeddings`.
    func embeddings(_ request: Request, context: ModelServeContext) async throws -> Response {
        let start = ContinuousClock.now
        let body = try await RequestDecoding.decode(EmbeddingsBody.self, from: request, maxBytes: configuration.limits.maxBodyBytes)
        let model = try validated(model: body.model, problems: body.problems(limits: configuration.limits))
        let deadline = start + context.timeout
        try await admit(deadline: deadline)
        let upstreamStart = ContinuousClock.now
        let answer: EmbedResponse
        do {
            answer = try await pool.perform { client in
                try await client.embed(EmbedRequest(model: model, input: body.input), timeout: try remaining(until: deadline))
            }
            admission.release()
        } catch {
            admission.release()
            throw upstreamFailure(error)
        }
        metrics.recordUpstream(route: ServeRoute.embeddings.rawValue, duration: ContinuousClock.now - upstreamStart)
        return try Self.json(EmbeddingsResponse(
            id: context.requestID, model: model, embeddings: answer.embeddings,
            usage: .init(promptTokens: answer.promptEvalCount ?? 0)
        ))
    }

    /// `GET /ready`: 200 when an upstream answers and has the default model; 503 otherwise and while draining.
    func ready() async throws -> Response {
        if draining.isSet {
            return try Self.json(Readiness(status: "not_ready", reason: "shutting down"), status: .serviceUnavailable)
        }
        let (ready, reason) = pool.readiness(model: servedModels[0])
        return try Self.json(
            Readiness(status: ready ? "ready" : "not_ready", reason: reason), status: ready ? .ok : .serviceUnavailable
        )
    }

    struct Readiness: Codable {
        var status: String
        var reason: String
    }

    /// `GET /version`.
    func version() async throws -> Response {
        try Self.json(VersionInfo(
            service: "model-serve", version: Self.version, releaseID: configuration.releaseID,
            buildCommit: configuration.buildCommit,
            model: .init(name: servedModels[0], digest: pool.digest(of: servedModels[0]))
        ))
    }

    /// ModelServe's own version.
    public static let version = "0.2.0"

    /// `GET /metrics`.
    func metricsResponse() -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition()))
        )
    }
}
