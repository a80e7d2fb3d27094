import Hummingbird
import OllamaKit

/// `/api/generate`, `/api/chat` and `/api/embed`.
extension Simulator {
    /// `POST /api/generate`; an empty prompt only loads (or, with `keep_alive: 0`, unloads) the model.
    func generate(_ request: Request) async throws -> Response {
        let start = ContinuousClock.now
        let body = try await SimResponse.decode(GenerateRequest.self, from: request)
        let (model, fault) = try await admit(model: body.model)
        let prompt = body.prompt ?? ""
        if prompt.isEmpty {
            return try await load(model: model, keepAlive: body.keepAlive, stream: body.stream ?? true) {
                GenerateResponse(model: model.name, createdAt: Self.now(), response: "", done: true, doneReason: $0)
            }
        }
        let input = [body.system, prompt].compactMap { $0 }.joined(separator: "\n")
        let generation = await generation(
            model: model, fault: fault, input: input, options: body.options, keepAlive: body.keepAlive
        )
        guard body.stream ?? true else {
            let metrics = try await generation.run(startedAt: start) { _ in }
            return try SimResponse.json(GenerateResponse(
                model: model.name, createdAt: Self.now(), response: generation.text, done: true,
                doneReason: generation.doneReason, context: [1, 2, 3], metrics: metrics
            ))
        }
        return SimResponse.ndjson(statistics: statistics) { writer in
            let metrics = try await generation.run(startedAt: start) { token in
                try await writer.write(SimResponse.line(
                    GenerateResponse(model: model.name, createdAt: Self.now(), response: token, done: false)
                ))
            }
            try await writer.write(SimResponse.line(GenerateResponse(
                model: model.name, createdAt: Self.now(), response: "", done: true,
                doneReason: generation.doneReason, context: [1, 2, 3], metrics: metrics
            )))
        }
    }

    /// `POST /api/chat`; no messages only loads the model. The output depends on every message.
    func chat(_ request: Request) async throws -> Response {
        let start = ContinuousClock.now
        let body = try await SimResponse.decode(ChatRequest.self, from: request)
        let (model, fault) = try await admit(model: body.model)
        if body.messages.isEmpty {
            return try await load(model: model, keepAlive: body.keepAlive, stream: body.stream ?? true) {
                ChatResponse(
                    model: model.name, createdAt: Self.now(), message: .assistant(""), done: true, doneReason: $0
                )
            }
        }
        let input = body.messages.map { "\($0.role.rawValue): \($0.content)" }.joined(separator: "\n")
        let generation = await generation(
            model: model, fault: fault, input: input, options: body.options, keepAlive: body.keepAlive
        )
        guard body.stream ?? true else {
            let metrics = try await generation.run(startedAt: start) { _ in }
            return try SimResponse.json(ChatResponse(
                model: model.name, createdAt: Self.now(), message: .assistant(generation.text), done: true,
                doneReason: generation.doneReason, metrics: metrics
            ))
        }
        return SimResponse.ndjson(statistics: statistics) { writer in
            let metrics = try await generation.run(startedAt: start) { token in
                try await writer.write(SimResponse.line(
                    ChatResponse(model: model.name, createdAt: Self.now(), message: .assistant(token), done: false)
                ))
            }
            try await writer.write(SimResponse.line(ChatResponse(
                model: model.name, createdAt: Self.now(), message: .assistant(""), done: true,
                doneReason: generation.doneReason, metrics: metrics
            )))
        }
    }

    /// `POST /api/embed`: a deterministic unit vector per input (16 numbers unless `dimensions` says otherwise).
    func embed(_ request: Request) async throws -> Response {
        let start = ContinuousClock.now
        let body = try await SimResponse.decode(EmbedRequest.self, from: request)
        let (model, fault) = try await admit(model: body.model)
        let wasLoaded = await registry.touch(model.name, keepAlive: body.keepAlive)
        let dimensions = min(max(body.dimensions ?? 16, 1), 4096)
        let vectors = body.input.map {
            TextSynthesizer.embedding(model: model.base, input: $0, dimensions: dimensions, drift: fault.drift)
        }
        return try SimResponse.json(EmbedResponse(
            model: model.name, embeddings: vectors,
            totalDuration: Generation.nanoseconds(ContinuousClock.now - start),
            loadDuration: wasLoaded ? 150_000 : 12_000_000,
            promptEvalCount: body.input.map(TextSynthesizer.countTokens).reduce(0, +)
        ))
    }

    /// Loads or unloads a model and answers with one done line whose `done_reason` says which.
    private func load<Line: Encodable & Sendable>(
        model: ModelRegistry.Model, keepAlive: KeepAlive?, stream: Bool, line: (String) -> Line
    ) async throws -> Response {
        await registry.touch(model.name, keepAlive: keepAlive)
        let unloading = ModelRegistry.seconds(keepAlive) == 0
        let done = line(unloading ? "unload" : "load")
        guard stream else { return try SimResponse.json(done) }
        let buffer = try SimResponse.line(done)
        return Response(
            status: .ok, headers: [.contentType: "application/x-ndjson"], body: ResponseBody(byteBuffer: buffer)
        )
    }
}
