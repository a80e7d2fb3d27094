import AsyncHTTPClient
import Foundation
import OllamaKit
import SlipwayEngine
import SlipwayTestSupport
import Testing

/// The model rollout against real `ollama-sim` processes: present, pulled and created models,
/// digests that differ between endpoints, and endpoints that are down or refuse a create.
@Suite(.serialized)
struct ModelRolloutTests {
    // MARK: - Fixture

    /// Starts one simulator per element of `arguments` (each the extra arguments of that sim),
    /// and runs `body` with their base URLs and an HTTP client; stops them all afterwards.
    static func withSimulators<T>(
        _ arguments: [[String]], _ body: ([String], HTTPClient) async throws -> T
    ) async throws -> T {
        let executable = try BuiltExecutable.path(named: "ollama-sim")
        func start(_ remaining: ArraySlice<[String]>, _ urls: [String]) async throws -> T {
            guard let first = remaining.first else {
                return try await HTTPClient.withHTTPClient(configuration: OllamaClient.httpClientConfiguration()) { http in
                    try await body(urls, http)
                }
            }
            return try await BackgroundProcess.withProcess(
                executable: executable, arguments: ["--port", "0", "--token-delay-ms", "1"] + first
            ) { process in
                try await start(remaining.dropFirst(), urls + ["http://127.0.0.1:\(process.port)"])
            }
        }
        return try await start(arguments[...], [])
    }

    /// Collects progress lines from concurrent callers.
    actor ProgressLog {
        private(set) var lines: [ModelRolloutProgress] = []
        func append(_ line: ModelRolloutProgress) { lines.append(line) }
        func lines(for endpoint: String) -> [ModelRolloutProgress] { lines.filter { $0.endpoint == endpoint } }
    }

    /// Runs the rollout and returns the ``ModelRolloutError`` it threw; records an issue otherwise.
    static func rolloutError(
        _ rollout: ModelRollout, model: String, modelfile: String?, endpoints: [String]
    ) async -> ModelRolloutError? {
        do {
            let result = try await rollout.run(model: model, modelfile: modelfile, endpoints: endpoints)
            Issue.record("expected a ModelRolloutError, got \(result)")
        } catch let error as ModelRolloutError {
            return error
        } catch {
            Issue.record("expected a ModelRolloutError, got \(error)")
        }
        return nil
    }

    static func running(on url: String, _ http: HTTPClient) async throws -> [String] {
        try await OllamaClient(baseURL: url, httpClient: http).runningModels().models.map(\.name)
    }

    static func tags(on url: String, _ http: HTTPClient) async throws -> [ModelSummary] {
        try await OllamaClient(baseURL: url, httpClient: http).listModels().models
    }

    static let modelfile = """
        # The model ModelServe answers with.
        FROM sim-small
        SYSTEM \"\"\"You answer questions
        about Ramsey numbers.\"\"\"
        PARAMETER temperature 0.2
        PARAMETER stop "<|eot_id|>"
        """

    // MARK: - Tests

    @Test func aModelPresentEverywhereIsKeptAndPreloaded() async throws {
        try await Self.withSimulators([[], []]) { urls, http in
            for url in urls { #expect(try await Self.running(on: url, http).isEmpty) }
            let log = ProgressLog()
            let result = try await ModelRollout(httpClient: http, timeout: .seconds(30)).run(
                model: "sim-small", modelfile: nil, endpoints: urls.map { $0 + "/" }
            ) { await log.append($0) }

            #expect(result.model == "sim-small:latest")
            #expect(result.endpoints.map(\.url) == urls)
            #expect(result.endpoints.map(\.action) == [.present, .present])
            #expect(result.endpoints.allSatisfy { $0.preloaded && $0.digest == result.digest })
            #expect(result.digest.count == 64 && result.digest.allSatisfy(\.isHexDigit))
            for url in urls {
                let listed = try #require(try await Self.tags(on: url, http).first { $0.name == "sim-small:latest" })
                #expect(listed.digest == result.digest)
                #expect(try await Self.running(on: url, http) == ["sim-small:latest"])
                let lines = await log.lines(for: url)
                #expect(lines.map(\.status) == ["present", "digest", "loaded"])
                #expect(lines.map(\.step) == [.list, .digest, .preload])
                #expect(lines.contains { $0.step == .pull || $0.step == .create } == false)
            }

            let decoded = try JSONDecoder().decode(ModelRolloutResult.self, from: JSONEncoder().encode(result))
            #expect(decoded == result)
        }
    }

    @Test func aMissingModelIsPulledWithProgress() async throws {
        try await Self.withSimulators([["--model", "fresh:3b"], []]) { urls, http in
            let log = ProgressLog()
            let result = try await ModelRollout(httpClient: http, timeout: .seconds(30)).run(
                model: "fresh:3b", modelfile: nil, endpoints: urls
            ) { await log.append($0) }

            #expect(result.endpoints.map(\.action) == [.present, .pulled])
            #expect(Set(result.endpoints.map(\.digest)) == [result.digest])
            let pulled = try #require(try await Self.tags(on: urls[1], http).first { $0.name == "fresh:3b" })
            #expect(pulled.digest == result.digest)
            #expect(try await Self.running(on: urls[1], http) == ["fresh:3b"])

            let pullLines = await log.lines(for: urls[1]).filter { $0.step == .pull }
            #expect(pullLines.first?.status == "pulling manifest")
            #expect(pullLines.last?.status == "success")
            let downloads = pullLines.filter { $0.total != nil }
            #expect(downloads.count >= 3)
            #expect(downloads.compactMap(\.completed) == downloads.compactMap(\.completed).sorted())
            #expect(downloads.last?.fractionCompleted == 1)
            #expect(downloads.first?.digest == "sha256:" + result.digest)
            #expect(await log.lines(for: urls[0]).contains { $0.step == .pull } == false)
        }
    }

    @Test func aMissingModelIsCreatedFromTheModelfile() async throws {
        try await Self.withSimulators([[], []]) { urls, http in
            let log = ProgressLog()
            let result = try await ModelRollout(httpClient: http, timeout: .seconds(30)).run(
                model: "ramsey-model", modelfile: Self.modelfile, endpoints: urls
            ) { await log.append($0) }

            #expect(result.model == "ramsey-model:latest")
            #expect(result.endpoints.map(\.action) == [.created, .created])
            #expect(result.endpoints.allSatisfy { $0.digest == result.digest && $0.preloaded })
            for url in urls {
                let information = try await OllamaClient(baseURL: url, httpClient: http).show(model: "ramsey-model")
                #expect(information.system == "You answer questions\nabout Ramsey numbers.")
                #expect(information.details?.parentModel == "sim-small:latest")
                #expect(try await Self.running(on: url, http) == ["ramsey-model:latest"])
                let created = await log.lines(for: url).filter { $0.step == .create }
                #expect(created.first?.status == "reading model metadata")
                #expect(created.last?.status == "success")
            }

            // Run again: now present everywhere, same digest.
            let again = try await ModelRollout(httpClient: http, timeout: .seconds(30)).run(
                model: "ramsey-model:latest", modelfile: Self.modelfile, endpoints: urls
            )
            #expect(again.endpoints.map(\.action) == [.present, .present])
            #expect(again.digest == result.digest)
        }
    }

    @Test func differentDigestsForTheSameNameFailNamingEveryEndpoint() async throws {
        try await Self.withSimulators([[], []]) { urls, http in
            let odd = OllamaClient(baseURL: urls[0], httpClient: http)
            let lines = try await odd.create(CreateRequest(
                model: "ramsey-model", modelfile: "FROM sim-large\nSYSTEM An older build.\n"
            )).reduce(into: [ProgressStatus]()) { $0.append($1) }
            #expect(lines.last?.isSuccess == true)
            let oddDigest = try #require(try await Self.tags(on: urls[0], http).first { $0.name == "ramsey-model:latest" }).digest

            let error = try #require(await Self.rolloutError(
                ModelRollout(httpClient: http, timeout: .seconds(30)),
                model: "ramsey-model", modelfile: Self.modelfile, endpoints: urls
            ))
            guard case .digestMismatch(let model, let digests) = error else {
                Issue.record("expected a digest mismatch, got \(error)")
                return
            }
            let newDigest = try #require(try await Self.tags(on: urls[1], http).first { $0.name == "ramsey-model:latest" }).digest
            #expect(model == "ramsey-model:latest")
            #expect(digests == [.init(url: urls[0], digest: oddDigest), .init(url: urls[1], digest: newDigest)])
            #expect(oddDigest != newDigest)
            #expect(error.endpoints == urls)
            #expect(error.step == .digest)
            #expect(error.isRetryable == false)
            for (url, digest) in [(urls[0], oddDigest), (urls[1], newDigest)] {
                #expect(error.description.contains(url))
                #expect(error.description.contains(digest))
            }
            #expect(error.description.contains("ollama rm ramsey-model:latest"))
            // Nothing was preloaded: the rollout stopped before.
            for url in urls { #expect(try await Self.running(on: url, http).isEmpty) }
        }
    }

    @Test func anEndpointThatRefusesConnectionsIsNamed() async throws {
        let refusing = try RefusingPort()
        let down = "http://127.0.0.1:\(refusing.port)"
        try await Self.withSimulators([[]]) { urls, http in
            let error = try #require(await Self.rolloutError(
                ModelRollout(httpClient: http, timeout: .seconds(30)),
                model: "sim-small", modelfile: nil, endpoints: [urls[0], down]
            ))
            guard case .endpointFailed(let endpoint, let step, let model, let message, let retryable) = error else {
                Issue.record("expected an endpoint failure, got \(error)")
                return
            }
            #expect(endpoint == down)
            #expect(step == .list)
            #expect(model == "sim-small:latest")
            #expect(retryable)
            #expect(message.contains("connection_failed"))
            #expect(error.description.contains(down))
            #expect(error.description.contains("the list step failed"))
            #expect(error.description.contains("what to do:"))
            // The healthy endpoint was not preloaded: the rollout stopped first.
            #expect(try await Self.running(on: urls[0], http).isEmpty)
        }
    }

    @Test func aCreateThatOllamaRefusesNamesTheEndpointAndItsMessage() async throws {
        try await Self.withSimulators([["--model", "ramsey-model"], []]) { urls, http in
            let error = try #require(await Self.rolloutError(
                ModelRollout(httpClient: http, timeout: .seconds(30)),
                model: "ramsey-model", modelfile: "FROM no-such-base:7b\nSYSTEM Hi.\n", endpoints: urls
            ))
            guard case .endpointFailed(let endpoint, let step, _, let message, let retryable) = error else {
                Issue.record("expected an endpoint failure, got \(error)")
                return
            }
            #expect(endpoint == urls[1])
            #expect(step == .create)
            #expect(message.contains("no-such-base"))
            #expect(message.contains("404"))
            #expect(retryable == false)
            #expect(error.description.contains(urls[1]))
            #expect(error.description.contains("FROM model must be present"))
            #expect(try await Self.tags(on: urls[1], http).contains { $0.name == "ramsey-model:latest" } == false)
            for url in urls { #expect(try await Self.running(on: url, http).isEmpty) }
        }
    }

    @Test func aModelfileWithoutFromOrNoEndpointsFailBeforeAnyCall() async throws {
        try await HTTPClient.withHTTPClient { http in
            let rollout = ModelRollout(httpClient: http)
            let invalid = try #require(await Self.rolloutError(
                rollout, model: "ramsey-model", modelfile: "SYSTEM No base.\n", endpoints: ["http://127.0.0.1:9"]
            ))
            #expect(invalid == .invalidModelfile(model: "ramsey-model:latest", problem: "it has no FROM line naming the base model"))
            #expect(invalid.description.contains("model: modelfile:"))

            let file = try #require(await Self.rolloutError(
                rollout, model: "m", modelfile: "FROM ./weights.gguf\n", endpoints: ["http://127.0.0.1:9"]
            ))
            #expect(file.description.contains("names a file"))

            let none = try #require(await Self.rolloutError(rollout, model: "m", modelfile: nil, endpoints: []))
            #expect(none == .noEndpoints(model: "m:latest"))
            #expect(none.description.contains("ollama: endpoints:"))
        }
    }
}
