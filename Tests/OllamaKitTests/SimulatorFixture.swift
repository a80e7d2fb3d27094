import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import OllamaKit
import SlipwayTestSupport

/// Starts a real `ollama-sim` process on a free loopback port for one test, with a client for it.
enum SimulatorFixture {
    /// Runs `body` with a client of a fresh simulator started with `arguments` (besides `--port`).
    static func withSimulator<T>(
        _ arguments: [String] = [], timeout: Duration = .seconds(20),
        _ body: (OllamaClient, BackgroundProcess) async throws -> T
    ) async throws -> T {
        let executable = try BuiltExecutable.path(named: "ollama-sim")
        return try await BackgroundProcess.withProcess(
            executable: executable, arguments: ["--port", "0", "--token-delay-ms", "1"] + arguments
        ) { process in
            try await HTTPClient.withHTTPClient(configuration: OllamaClient.httpClientConfiguration()) { http in
                let client = OllamaClient(baseURL: "http://127.0.0.1:\(process.port)/", httpClient: http, timeout: timeout)
                return try await body(client, process)
            }
        }
    }

    /// Runs `body` and returns the ``OllamaError`` it threw; fails when it threw nothing or something else.
    static func ollamaError(_ body: () async throws -> Void) async -> OllamaError? {
        do {
            try await body()
            return nil
        } catch let error as OllamaError {
            return error
        } catch {
            return nil
        }
    }

    /// Every element of a stream, in order.
    static func collect<S: AsyncSequence>(_ stream: S) async throws -> [S.Element] {
        var elements: [S.Element] = []
        for try await element in stream { elements.append(element) }
        return elements
    }
}

extension SimulatorFixture {
    /// What `GET /sim/stats` reports: the simulator's view of the streams it served.
    struct Statistics: Decodable, Equatable {
        var requests: Int
        var activeStreams: Int
        var completedStreams: Int
        var abortedStreams: Int
    }

    static func statistics(of process: BackgroundProcess) async throws -> Statistics {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(process.port)/sim/stats"), timeout: .seconds(5)
        )
        let body = try await response.body.collect(upTo: 1 << 16)
        return try JSONDecoder().decode(Statistics.self, from: Data(buffer: body))
    }

    /// Polls the statistics until `condition` holds or `limit` passes; returns the last ones seen.
    static func waitForStatistics(
        of process: BackgroundProcess, within limit: Duration = .seconds(15), until condition: (Statistics) -> Bool
    ) async throws -> Statistics {
        let deadline = ContinuousClock.now + limit
        var last = try await statistics(of: process)
        while !condition(last) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            last = try await statistics(of: process)
        }
        return last
    }
}
