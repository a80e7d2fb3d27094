import AsyncHTTPClient
import Foundation
import ModelServe
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import SlipwayTestSupport
import Testing

/// Every ModelServe integration test, one at a time: each starts real `ollama-sim` and
/// `model-serve` processes, and a 2-core machine does not run many of those at once well.
@Suite(.serialized) enum ModelServeServer {}

/// Real processes for one test: one or more `ollama-sim`s and a `model-serve serve` in front of
/// them, with a keys file holding a key for every route, a generate-only key and a revoked key.
struct ServeFixture {
    let server: BackgroundProcess
    let sims: [BackgroundProcess]
    let scratch: TemporaryDirectory
    let keysFile: String
    /// Allowed every route.
    let fullKey: String
    /// Allowed only `generate`.
    let generateOnlyKey: String
    /// Revoked.
    let revokedKey: String

    var baseURL: String { "http://127.0.0.1:\(server.port)" }

    /// Starts `simArguments.count` simulators (each with its arguments besides `--port`), then
    /// model-serve in front of them with `serveArguments` added, runs `body`, and stops them all.
    ///
    /// `upstreamURL` makes each sim's `--ollama` URL from its port (the default is the plain
    /// `http://127.0.0.1:PORT` that gets ModelServe's lean client).
    static func with<T>(
        sims simArguments: [[String]] = [[]], serve serveArguments: [String] = [],
        upstreamURL: (Int) -> String = { "http://127.0.0.1:\($0)" },
        _ body: (ServeFixture) async throws -> T
    ) async throws -> T {
        let scratch = try TemporaryDirectory(prefix: "model-serve")
        let keysFile = scratch.path("keys.json")
        let store = try APIKeyStore(path: keysFile)
        let full = try store.create(name: "full", scopes: ["*"]).plaintextKey
        let generateOnly = try store.create(name: "generate-only", scopes: ["generate"]).plaintextKey
        let revoked = try store.create(name: "revoked", scopes: ["*"])
        try store.revoke(id: revoked.entry.id)

        var sims: [BackgroundProcess] = []
        do {
            for arguments in simArguments {
                sims.append(try await BackgroundProcess.start(
                    executable: try BuiltExecutable.path(named: "ollama-sim"),
                    arguments: ["--port", "0", "--token-delay-ms", "1"] + arguments
                ))
            }
            let upstreams = sims.flatMap { ["--ollama", upstreamURL($0.port)] }
            let server = try await BackgroundProcess.start(
                executable: try BuiltExecutable.path(named: "model-serve"),
                arguments: ["serve", "--port", "0", "--model", "sim-small", "--keys-file", keysFile,
                            "--release-id", "rel-test", "--build-commit", "abc1234", "--health-interval", "200ms"]
                    + upstreams + serveArguments
            )
            let fixture = ServeFixture(
                server: server, sims: sims, scratch: scratch, keysFile: keysFile, fullKey: full,
                generateOnlyKey: generateOnly, revokedKey: revoked.plaintextKey
            )
            do {
                let result = try await body(fixture)
                await server.stop()
                for sim in sims { await sim.stop() }
                return result
            } catch {
                await server.stop()
                throw error
            }
        } catch {
            for sim in sims { await sim.stop() }
            throw error
        }
    }

    /// An answer: status, headers and body text.
    struct Answer: Sendable {
        var status: Int
        var headers: [String: String]
        var body: String

        func header(_ name: String) -> String? { headers[name.lowercased()] }

        /// The body as a JSON object.
        func json() throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: Data(body.utf8))
            return try #require(object as? [String: Any], "not a JSON object: \(body)")
        }

        /// The error code of an error body.
        var errorCode: String? {
            ((try? json())?["error"] as? [String: Any])?["code"] as? String
        }
    }

    /// Sends a request to model-serve and reads the whole answer.
    func send(
        _ path: String, key: String? = nil, json body: String? = nil, headers: [(String, String)] = [],
        timeout: Duration = .seconds(20)
    ) async throws -> Answer {
        try await Self.send(.POST, baseURL + path, key: key, json: body, headers: headers, timeout: timeout)
    }

    /// Sends a request without a body (`GET /ready`) to model-serve.
    func send(_ method: HTTPMethod, _ path: String, headers: [(String, String)] = []) async throws -> Answer {
        try await Self.send(method, baseURL + path, headers: headers)
    }

    static func send(
        _ method: HTTPMethod, _ url: String, key: String? = nil, json body: String? = nil,
        headers: [(String, String)] = [], timeout: Duration = .seconds(20)
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(Int64(timeout.components.seconds)))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name.lowercased()] = header.value }
        return Answer(status: Int(response.status.code), headers: fields, body: String(buffer: bytes))
    }

    /// What a simulator's `GET /sim/stats` says.
    struct SimStatistics: Decodable {
        var requests: Int
        var activeStreams: Int
        var completedStreams: Int
        var abortedStreams: Int
    }

    static func statistics(of sim: BackgroundProcess) async throws -> SimStatistics {
        let answer = try await send(.GET, "http://127.0.0.1:\(sim.port)/sim/stats")
        return try JSONDecoder().decode(SimStatistics.self, from: Data(answer.body.utf8))
    }

    /// Polls until `condition` holds or `limit` passes; returns whether it held.
    static func eventually(within limit: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(25))
        }
        return try await condition()
    }

    /// Polls `/metrics` until the gauge `name` (labelled with the fixture's release) reads `value`.
    func gaugeBecomes(_ name: String, _ value: Int, within limit: Duration = .seconds(10)) async throws -> Bool {
        let series = "\(name){release=\"rel-test\"} "
        return try await Self.eventually(within: limit) {
            let line = try await send(.GET, "/metrics").body.split(separator: "\n").first { $0.hasPrefix(series) }
            return line.flatMap { Double($0.dropFirst(series.count)) } == Double(value)
        }
    }

    /// Waits until `/ready` answers 200 (the first health check has seen the model).
    func waitUntilReady() async throws {
        let ready = try await Self.eventually { try await send(.GET, "/ready").status == 200 }
        #expect(ready, "model-serve never became ready: \(server.output)")
    }
}
