import AsyncHTTPClient
import NIOHTTP1

extension OllamaClient {
    /// `GET /api/tags`: the models available locally.
    public func listModels(timeout: Duration? = nil) async throws -> ModelList {
        try await call(.GET, "/api/tags", body: Optional<ShowRequest>.none, timeout: timeout)
    }

    /// `POST /api/show`: a model's Modelfile, parameters, template and details.
    public func show(model: String, timeout: Duration? = nil) async throws -> ModelInformation {
        try await call(.POST, "/api/show", body: ShowRequest(model: model), timeout: timeout)
    }

    /// `GET /api/ps`: the models loaded in memory now.
    public func runningModels(timeout: Duration? = nil) async throws -> RunningModels {
        try await call(.GET, "/api/ps", body: Optional<ShowRequest>.none, timeout: timeout)
    }

    /// `POST /api/pull` streamed: progress lines until `"success"`.
    public func pull(
        _ request: PullRequest, timeout: Duration? = nil
    ) -> AsyncThrowingStream<ProgressStatus, any Error> {
        var request = request
        request.stream = true
        return stream(.POST, "/api/pull", body: request, timeout: timeout)
    }

    /// `POST /api/create` streamed: progress lines until `"success"`.
    public func create(
        _ request: CreateRequest, timeout: Duration? = nil
    ) -> AsyncThrowingStream<ProgressStatus, any Error> {
        var request = request
        request.stream = true
        return stream(.POST, "/api/create", body: request, timeout: timeout)
    }

    /// `DELETE /api/delete`: removes a model; a missing model is ``OllamaError/Code/modelNotFound``.
    public func delete(model: String, timeout: Duration? = nil) async throws {
        _ = try await callForBytes(.DELETE, "/api/delete", body: DeleteRequest(model: model), timeout: timeout)
    }

    /// `GET /api/version`: the server's version string.
    public func version(timeout: Duration? = nil) async throws -> String {
        let response: VersionResponse = try await call(
            .GET, "/api/version", body: Optional<ShowRequest>.none, timeout: timeout
        )
        return response.version
    }
}
