import Foundation
import AsyncHTTPClient
import OllamaKit

/// Puts the pipeline's model on every Ollama endpoint of an environment before a new release
/// takes traffic, and makes sure they all hold the same build of it.
///
/// ``run(model:modelfile:endpoints:progress:)`` works in three phases, each on every endpoint at
/// once, and a phase starts only when the previous one succeeded everywhere:
/// 1. **ensure**: an endpoint that lists the model (`/api/tags`; no tag means `:latest`) keeps
///    it; otherwise the model is created from the Modelfile text when there is one, or pulled;
/// 2. **digest**: each endpoint's digest of the model is read from `/api/tags`, and all must be
///    the same;
/// 3. **preload**: the model is loaded on each endpoint (an empty generate with `keep_alive`),
///    so the first user request does not wait for it.
///
/// The first failure anywhere cancels the other endpoints' work and is thrown as a
/// ``ModelRolloutError`` naming the endpoint and the step. Nothing here touches traffic.
public struct ModelRollout: Sendable {
    /// How long one step on one endpoint may take, a pull's whole download included.
    public var timeout: Duration
    /// How long the endpoints keep the model loaded after the preload; nil for Ollama's default.
    public var keepAlive: KeepAlive?
    private let httpClient: HTTPClient

    /// - Parameters:
    ///   - httpClient: The caller's client; keep it alive while the rollout runs.
    ///     `OllamaClient.httpClientConfiguration()` makes a refused connection fail at once.
    ///   - timeout: How long one step on one endpoint may take (pulling a large model is slow).
    ///   - keepAlive: How long the preloaded model stays in memory without requests; the default
    ///     of 30 minutes covers the checks and canary steps that precede real traffic.
    public init(httpClient: HTTPClient, timeout: Duration = .seconds(600), keepAlive: KeepAlive? = .duration("30m")) {
        self.httpClient = httpClient
        self.timeout = timeout
        self.keepAlive = keepAlive
    }

    /// Makes every endpoint in `endpoints` hold `model` with one digest, loaded in memory.
    ///
    /// - Parameters:
    ///   - model: The Ollama model name (`ramsey-model`, `llama3.2:1b`).
    ///   - modelfile: The Modelfile's text (not its path) to create the model from where it is
    ///     missing; nil to pull it instead.
    ///   - endpoints: The environment's Ollama base URLs; duplicates are visited once.
    ///   - progress: Called with every pull and create line and at the end of every step.
    ///     Calls for different endpoints may overlap.
    /// - Returns: The model, its digest, and what was done on each endpoint, in the given order.
    /// - Throws: ``ModelRolloutError``, or `CancellationError` when the caller's task is cancelled.
    public func run(
        model: String, modelfile: String?, endpoints: [String],
        progress: @Sendable (ModelRolloutProgress) async -> Void = { _ in }
    ) async throws -> ModelRolloutResult {
        let name = OllamaModelName.normalized(model.trimmingCharacters(in: .whitespaces))
        var urls: [String] = []
        for endpoint in endpoints {
            var url = endpoint.trimmingCharacters(in: .whitespaces)
            while url.hasSuffix("/") { url.removeLast() }
            if !url.isEmpty && !urls.contains(url) { urls.append(url) }
        }
        guard !urls.isEmpty else { throw ModelRolloutError.noEndpoints(model: name) }
        let instructions = try modelfile.map { text throws(ModelRolloutError) in
            try ModelfileInstructions(parsing: text, model: name)
        }
        return try await withoutActuallyEscaping(progress) { report in
            let actions = try await onEveryEndpoint(urls) { url in
                try await ensure(name, modelfile: modelfile, instructions: instructions, on: url, report: report)
            }
            let digests = try await onEveryEndpoint(urls) { url in
                try await digest(of: name, on: url, report: report)
            }
            let distinct = Set(urls.compactMap { digests[$0] })
            guard distinct.count == 1, let digest = distinct.first else {
                throw ModelRolloutError.digestMismatch(
                    model: name,
                    digests: urls.map { ModelRolloutError.EndpointDigest(url: $0, digest: digests[$0] ?? "?") }
                )
            }
            _ = try await onEveryEndpoint(urls) { url in
                try await preload(name, on: url, report: report)
            }
            return ModelRolloutResult(
                model: name, digest: digest,
                endpoints: urls.map { url in
                    ModelRolloutResult.EndpointResult(
                        url: url, action: actions[url] ?? .present, digest: digests[url] ?? digest, preloaded: true
                    )
                }
            )
        }
    }

    // MARK: - Steps

    /// Phase 1 on one endpoint: leaves a listed model alone, otherwise creates or pulls it.
    private func ensure(
        _ model: String, modelfile: String?, instructions: ModelfileInstructions?, on url: String,
        report: @escaping @Sendable (ModelRolloutProgress) async -> Void
    ) async throws -> ModelRolloutResult.Action {
        let client = client(for: url)
        let listed = try await step(.list, on: url, model: model) {
            try await client.listModels(timeout: timeout).models
        }
        if listed.contains(where: { OllamaModelName.same($0.name, model) }) {
            await report(ModelRolloutProgress(endpoint: url, step: .list, status: "present"))
            return .present
        }
        await report(ModelRolloutProgress(endpoint: url, step: .list, status: "missing"))
        if let instructions {
            let request = CreateRequest(
                model: model, from: instructions.from, modelfile: modelfile, system: instructions.system,
                template: instructions.template, parameters: instructions.parameters.isEmpty ? nil : instructions.parameters
            )
            try await follow(client.create(request, timeout: timeout), step: .create, on: url, model: model, report: report)
            return .created
        }
        try await follow(client.pull(PullRequest(model: model), timeout: timeout), step: .pull, on: url, model: model, report: report)
        return .pulled
    }

    /// Reads a pull or create stream to its end, reporting each line; the last must be `success`.
    private func follow(
        _ lines: AsyncThrowingStream<ProgressStatus, any Error>, step kind: ModelRolloutStep, on url: String,
        model: String, report: @escaping @Sendable (ModelRolloutProgress) async -> Void
    ) async throws {
        let succeeded = try await step(kind, on: url, model: model) {
            var last: ProgressStatus?
            for try await line in lines {
                last = line
                await report(ModelRolloutProgress(
                    endpoint: url, step: kind, status: line.status, digest: line.digest, total: line.total,
                    completed: line.completed
                ))
            }
            return last?.isSuccess == true
        }
        try Task.checkCancellation()
        guard succeeded else {
            throw ModelRolloutError.endpointFailed(
                endpoint: url, step: kind, model: model,
                message: "Ollama ended the \(kind.rawValue) without reporting success", retryable: true
            )
        }
    }

    /// Phase 2 on one endpoint: the model's digest as `/api/tags` lists it.
    private func digest(
        of model: String, on url: String, report: @escaping @Sendable (ModelRolloutProgress) async -> Void
    ) async throws -> String {
        let client = client(for: url)
        let listed = try await step(.digest, on: url, model: model) {
            try await client.listModels(timeout: timeout).models
        }
        guard let entry = listed.first(where: { OllamaModelName.same($0.name, model) }), !entry.digest.isEmpty else {
            throw ModelRolloutError.endpointFailed(
                endpoint: url, step: .digest, model: model,
                message: "/api/tags does not list \(model) (or lists it without a digest) after it was put there; "
                    + "something removed it meanwhile",
                retryable: true
            )
        }
        await report(ModelRolloutProgress(endpoint: url, step: .digest, status: "digest", digest: entry.digest))
        return entry.digest
    }

    /// Phase 3 on one endpoint: loads the model into memory.
    private func preload(
        _ model: String, on url: String, report: @escaping @Sendable (ModelRolloutProgress) async -> Void
    ) async throws {
        let client = client(for: url)
        let keepAlive = self.keepAlive
        try await step(.preload, on: url, model: model) {
            try await client.preload(model: model, keepAlive: keepAlive, timeout: timeout)
        }
        await report(ModelRolloutProgress(endpoint: url, step: .preload, status: "loaded"))
    }

    // MARK: - Plumbing

    private func client(for url: String) -> OllamaClient {
        OllamaClient(baseURL: url, httpClient: httpClient, timeout: timeout)
    }

    /// Runs `body` on every endpoint at once and returns each one's answer; the first error
    /// cancels the others and is thrown.
    private func onEveryEndpoint<T: Sendable>(
        _ urls: [String], _ body: @escaping @Sendable (String) async throws -> T
    ) async throws -> [String: T] {
        try await withThrowingTaskGroup(of: (String, T).self) { group in
            for url in urls { group.addTask { (url, try await body(url)) } }
            var answers: [String: T] = [:]
            while let (url, answer) = try await group.next() { answers[url] = answer }
            return answers
        }
    }

    /// Runs one step on one endpoint within ``timeout``, turning its failure into a
    /// ``ModelRolloutError`` that names the endpoint and the step.
    @discardableResult
    private func step<T: Sendable>(
        _ step: ModelRolloutStep, on url: String, model: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let limit = timeout
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await body() }
                group.addTask {
                    try await Task.sleep(for: limit)
                    return nil
                }
                defer { group.cancelAll() }
                if let answer = try await group.next() ?? nil { return answer }
                try Task.checkCancellation()
                throw ModelRolloutError.endpointFailed(
                    endpoint: url, step: step, model: model, message: "no answer within \(limit)", retryable: true
                )
            }
        } catch let error as ModelRolloutError {
            throw error
        } catch let error as OllamaError {
            if Task.isCancelled { throw CancellationError() }
            throw ModelRolloutError.endpointFailed(
                endpoint: url, step: step, model: model, message: Self.message(of: error), retryable: error.isRetryable
            )
        } catch {
            if error is CancellationError || Task.isCancelled { throw CancellationError() }
            throw ModelRolloutError.endpointFailed(
                endpoint: url, step: step, model: model, message: String(describing: error), retryable: false
            )
        }
    }

    /// Ollama's message with the HTTP status and the kind of failure, without the Swift error chain.
    private static func message(of error: OllamaError) -> String {
        var text = error.message
        if let status = error.status { text += " (HTTP \(status) from \(error.route))" } else { text += " (\(error.route))" }
        return text + " [\(error.code.rawValue)]"
    }
}
