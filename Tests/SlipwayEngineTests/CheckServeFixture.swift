import AsyncHTTPClient
import Foundation
import ModelServe
import NIOCore
import NIOFoundationCompat
import SlipwayCore
import SlipwayTestSupport
import Testing

/// The smoke-check and analysis runner tests, one at a time: each starts a real `ollama-sim`
/// and a real `model-serve` in front of it, and a 2-core machine does not run many at once well.
@Suite(.serialized) enum CheckRunnerProcesses {}

/// A real `model-serve serve` in front of a real `ollama-sim`, with an API key for every route.
struct CheckServeFixture: Sendable {
    let server: BackgroundProcess
    let sim: BackgroundProcess
    let key: String
    let release: String

    var baseURL: String { "http://127.0.0.1:\(server.port)" }
    var metricsURL: String { baseURL + "/metrics" }
    /// The headers a runner sends: the key.
    var headers: [String: String] { ["Authorization": "Bearer \(key)"] }

    /// Starts the sim (with `simArguments` besides its port) and model-serve as `release`, waits
    /// until model-serve is ready, runs `body`, and stops both.
    static func with<T>(
        sim simArguments: [String] = [], release: String = "rel-checks", _ body: (CheckServeFixture) async throws -> T
    ) async throws -> T {
        let scratch = try TemporaryDirectory(prefix: "check-runners")
        let keysFile = scratch.path("keys.json")
        let key = try APIKeyStore(path: keysFile).create(name: "slipway", scopes: ["*"]).plaintextKey
        return try await BackgroundProcess.withProcess(
            executable: try BuiltExecutable.path(named: "ollama-sim"),
            arguments: ["--port", "0", "--token-delay-ms", "1"] + simArguments
        ) { sim in
            try await serve(sim: sim, model: "sim-small", keysFile: keysFile, key: key, release: release, body)
        }
    }

    /// Starts model-serve as `release` serving `model` from the running `sim`, waits until it is
    /// ready, runs `body`, and stops it.
    static func serve<T>(
        sim: BackgroundProcess, model: String, keysFile: String, key: String, release: String,
        _ body: (CheckServeFixture) async throws -> T
    ) async throws -> T {
        try await BackgroundProcess.withProcess(
            executable: try BuiltExecutable.path(named: "model-serve"),
            arguments: [
                "serve", "--port", "0", "--ollama", "http://127.0.0.1:\(sim.port)", "--model", model,
                "--keys-file", keysFile, "--release-id", release, "--health-interval", "200ms",
            ]
        ) { server in
            let fixture = CheckServeFixture(server: server, sim: sim, key: key, release: release)
            try await fixture.waitUntilReady()
            return try await body(fixture)
        }
    }

    /// Polls `/ready` until it answers 200 (the first health check has seen the model).
    func waitUntilReady() async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let status = try? await get("/ready"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("model-serve never became ready: \(server.output)")
    }

    func get(_ path: String) async throws -> Int {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: baseURL + path), timeout: .seconds(5))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// Sends `count` generate requests with distinct prompts (so none is answered from the
    /// cache) and returns their statuses.
    func generate(count: Int) async throws -> [Int] {
        var statuses: [Int] = []
        for _ in 0..<count {
            var request = HTTPClientRequest(url: baseURL + "/v1/generate")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
            request.headers.add(name: "Content-Type", value: "application/json")
            let prompt = "Canary traffic \(UUID().uuidString)"
            request.body = .bytes(ByteBuffer(string: #"{"prompt": "\#(prompt)", "max_tokens": 4}"#))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
            _ = try await response.body.collect(upTo: 1 << 20)
            statuses.append(Int(response.status.code))
        }
        return statuses
    }

    /// The pipeline `pipelines/model-serve.yaml` of this repository, loaded with its environments.
    static func modelServePipeline() throws -> PipelineSpec {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        var files: [SpecFile] = []
        for directory in ["pipelines", "environments"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(directory).path)
            for name in names where name.hasSuffix(".yaml") {
                let contents = try String(
                    contentsOf: root.appendingPathComponent(directory).appendingPathComponent(name), encoding: .utf8
                )
                files.append(SpecFile(path: "\(directory)/\(name)", contents: contents))
            }
        }
        let specs = try SpecLoader.load(files).get()
        return try #require(specs.pipeline(named: "model-serve"))
    }
}

/// Collects what a runner reports from its concurrent callbacks.
actor CheckEvents<Element: Sendable> {
    private(set) var all: [Element] = []

    func append(_ element: Element) {
        all.append(element)
    }
}
