import AsyncHTTPClient
import OllamaKit
import Testing

@testable import ModelServe

/// The upstream pool: ranking, failover, health and model readiness. No server is contacted:
/// the calls are closures that succeed or fail by the endpoint's URL.
@Suite struct UpstreamPoolTests {
    static let a = "http://127.0.0.1:10001"
    static let b = "http://127.0.0.1:10002"
    static let c = "http://127.0.0.1:10003"

    /// A pool over `urls`, with its health reports, and the HTTP client shut down afterwards.
    static func withPool(
        _ urls: [String], _ body: (UpstreamPool, Recorder<String>) async throws -> Void
    ) async throws {
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        let health = Recorder<String>()
        let pool = UpstreamPool(clients: urls.map { OllamaClient(baseURL: $0, httpClient: httpClient) }) { url, healthy in
            health.append("\(url) \(healthy ? "up" : "down")")
        }
        do {
            try await body(pool, health)
        } catch {
            try await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
    }

    static func failure(_ code: OllamaError.Code, _ url: String) -> OllamaError {
        OllamaError(code: code, message: "\(code.rawValue) at \(url)", route: "/api/generate")
    }

    static func summary(_ name: String, digest: String) -> ModelSummary {
        ModelSummary(name: name, model: name, size: 1, digest: digest)
    }

    /// Makes endpoint `index` look busier by one request under way.
    static func occupy(_ pool: UpstreamPool, _ index: Int) {
        _ = pool.begin(index)
    }

    @Test func rankingPutsHealthyFirstByInFlightThenUnhealthy() async throws {
        try await Self.withPool([Self.a, Self.b, Self.c]) { pool, _ in
            Self.occupy(pool, 0)
            Self.occupy(pool, 0)
            Self.occupy(pool, 1)
            Self.occupy(pool, 2)
            pool.end(2, .failed(Self.failure(.connectionFailed, Self.c)))
            for _ in 0..<4 {  // the same whatever the rotation
                #expect(pool.ranking() == [1, 0, 2])
            }
            let endpoints = pool.endpoints
            #expect(endpoints.map(\.inFlight) == [2, 1, 0])
            #expect(endpoints.map(\.healthy) == [true, true, false])
        }
    }

    @Test func unhealthyEndpointIsLastEvenWhenIdle() async throws {
        try await Self.withPool([Self.a, Self.b, Self.c]) { pool, _ in
            pool.recordCheck(0, models: nil, error: "connection refused")
            pool.recordCheck(2, models: nil, error: "connection refused")
            Self.occupy(pool, 1)
            Self.occupy(pool, 1)
            for _ in 0..<4 {
                let ranking = pool.ranking()
                #expect(ranking.first == 1)
                #expect(Set(ranking.dropFirst()) == [0, 2])
            }
        }
    }

    @Test func tiesRotate() async throws {
        try await Self.withPool([Self.a, Self.b, Self.c]) { pool, _ in
            var firsts: Set<Int> = []
            for _ in 0..<3 {
                let ranking = pool.ranking()
                #expect(Set(ranking) == [0, 1, 2])
                firsts.insert(ranking[0])
            }
            #expect(firsts == [0, 1, 2])
        }
    }

    @Test func connectionFailureFailsOverAndMarksUnhealthy() async throws {
        try await Self.withPool([Self.a, Self.b]) { pool, health in
            Self.occupy(pool, 1)  // so that a is tried first
            let tried = Recorder<String>()
            let result = try await pool.perform { client in
                tried.append(client.baseURL)
                if client.baseURL == Self.a { throw Self.failure(.connectionFailed, client.baseURL) }
                return "answer from \(client.baseURL)"
            }
            #expect(result == "answer from \(Self.b)")
            #expect(tried.all == [Self.a, Self.b])
            let endpoints = pool.endpoints
            #expect(endpoints[0].healthy == false)
            #expect(endpoints[0].lastError == "connection_failed at \(Self.a)")
            #expect(endpoints[1].healthy)
            #expect(endpoints.map(\.inFlight) == [0, 1], "each call's hold ends; only ours remains")
            #expect(health.all.contains("\(Self.a) down"))
            #expect(pool.ranking().last == 0)
        }
    }

    @Test func serverBusyFailsOverWithoutMarkingUnhealthy() async throws {
        try await Self.withPool([Self.a, Self.b]) { pool, _ in
            Self.occupy(pool, 1)
            let tried = Recorder<String>()
            let result = try await pool.perform { client in
                tried.append(client.baseURL)
                if client.baseURL == Self.a { throw Self.failure(.serverBusy, client.baseURL) }
                return client.baseURL
            }
            #expect(result == Self.b)
            #expect(tried.all == [Self.a, Self.b])
            let endpoints = pool.endpoints
            #expect(endpoints.map(\.healthy) == [true, true])
            #expect(endpoints.map(\.inFlight) == [0, 1])
        }
    }

    @Test func rejectedRequestIsThrownWithoutFailover() async throws {
        try await Self.withPool([Self.a, Self.b]) { pool, _ in
            Self.occupy(pool, 1)
            let tried = Recorder<String>()
            let error = await #expect(throws: OllamaError.self) {
                try await pool.perform { client -> String in
                    tried.append(client.baseURL)
                    if client.baseURL == Self.a { throw Self.failure(.requestRejected, client.baseURL) }
                    return client.baseURL
                }
            }
            #expect(error?.code == .requestRejected)
            #expect(tried.all == [Self.a])
            let endpoints = pool.endpoints
            #expect(endpoints.map(\.healthy) == [true, true])
            #expect(endpoints.map(\.inFlight) == [0, 1])
        }
    }

    @Test func otherErrorsAreThrownWithoutFailover() async throws {
        try await Self.withPool([Self.a, Self.b]) { pool, _ in
            let tried = Recorder<String>()
            await #expect(throws: CancellationError.self) {
                try await pool.perform { client -> String in
                    tried.append(client.baseURL)
                    throw CancellationError()
                }
            }
            #expect(tried.all.count == 1)
            let endpoints = pool.endpoints
            #expect(endpoints.map(\.healthy) == [true, true])
            #expect(endpoints.map(\.inFlight) == [0, 0])
        }
    }

    @Test func whenAllFailTheLastErrorIsThrown() async throws {
        try await Self.withPool([Self.a, Self.b]) { pool, _ in
            Self.occupy(pool, 1)
            let tried = Recorder<String>()
            let error = await #expect(throws: OllamaError.self) {
                try await pool.perform { client -> String in
                    tried.append(client.baseURL)
                    throw Self.failure(client.baseURL == Self.a ? .connectionFailed : .serverBusy, client.baseURL)
                }
            }
            #expect(tried.all == [Self.a, Self.b])
            #expect(error?.code == .serverBusy)
            #expect(error?.message == "server_busy at \(Self.b)")
            let endpoints = pool.endpoints
            #expect(endpoints.map(\.healthy) == [false, true])
            #expect(endpoints.map(\.inFlight) == [0, 1])
        }
    }

    @Test func successMakesAnUnhealthyEndpointHealthyAgain() async throws {
        try await Self.withPool([Self.a]) { pool, health in
            pool.recordCheck(0, models: nil, error: "refused")
            #expect(pool.endpoints[0].healthy == false)
            let result = try await pool.perform { client in client.baseURL }
            #expect(result == Self.a)
            #expect(pool.endpoints[0].healthy)
            #expect(pool.endpoints[0].lastError == nil)
            #expect(health.all.last == "\(Self.a) up")
        }
    }

    @Test func readinessFollowsTheListedModels() async throws {
        try await Self.withPool([Self.a, Self.b]) { pool, _ in
            let before = pool.readiness(model: "sim-small")
            #expect(!before.ready)
            #expect(before.reason.contains("no upstream has answered"))

            let models = ModelList(models: [
                Self.summary("sim-small:latest", digest: "d1"), Self.summary("sim-large:7b", digest: "d2"),
            ])
            pool.recordCheck(0, models: models, error: nil)
            #expect(pool.readiness(model: "sim-small").ready)
            #expect(pool.readiness(model: "sim-small:latest").ready)
            #expect(pool.readiness(model: "sim-large:7b").ready)
            #expect(pool.readiness(model: "sim-large").ready == false, "sim-large means sim-large:latest")

            let absent = pool.readiness(model: "absent")
            #expect(!absent.ready)
            #expect(absent.reason.contains("absent:latest"))
            #expect(absent.reason.contains("pull"))
        }
    }

    @Test func untaggedListedNameMatchesTheLatestTag() async throws {
        try await Self.withPool([Self.a]) { pool, _ in
            pool.recordCheck(0, models: ModelList(models: [Self.summary("sim-small", digest: "d")]), error: nil)
            #expect(pool.readiness(model: "sim-small:latest").ready)
            #expect(pool.digest(of: "sim-small:latest") == "d")
        }
    }

    @Test func modelOnAnUnhealthyEndpointIsNotReady() async throws {
        try await Self.withPool([Self.a, Self.b]) { pool, _ in
            pool.recordCheck(0, models: ModelList(models: [Self.summary("sim-small:latest", digest: "d")]), error: nil)
            pool.recordCheck(1, models: ModelList(models: []), error: nil)
            #expect(pool.readiness(model: "sim-small").ready)
            pool.recordCheck(0, models: nil, error: "connection refused")
            let readiness = pool.readiness(model: "sim-small")
            #expect(!readiness.ready)
            #expect(readiness.reason.contains("sim-small:latest"))
        }
    }

    @Test func noAnsweringUpstreamNamesTheErrors() async throws {
        try await Self.withPool([Self.a, Self.b]) { pool, _ in
            pool.recordCheck(0, models: nil, error: "connection refused")
            pool.recordCheck(1, models: nil, error: "timed out")
            let readiness = pool.readiness(model: "sim-small")
            #expect(!readiness.ready)
            #expect(readiness.reason.contains("no upstream Ollama answers"))
            #expect(readiness.reason.contains("\(Self.a): connection refused"))
            #expect(readiness.reason.contains("\(Self.b): timed out"))
        }
    }

    @Test func digestOfAListedModel() async throws {
        try await Self.withPool([Self.a, Self.b]) { pool, _ in
            #expect(pool.digest(of: "sim-small") == nil)
            pool.recordCheck(1, models: ModelList(models: [
                Self.summary("sim-small:latest", digest: "abc123"), Self.summary("other:1b", digest: "def456"),
            ]), error: nil)
            #expect(pool.digest(of: "sim-small") == "abc123")
            #expect(pool.digest(of: "sim-small:latest") == "abc123")
            #expect(pool.digest(of: "other:1b") == "def456")
            #expect(pool.digest(of: "other") == nil)
        }
    }
}
