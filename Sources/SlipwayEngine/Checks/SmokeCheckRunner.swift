import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import SlipwayCore

/// Sends a smoke check's requests to a release and judges the answers with ``SmokeEvaluation``.
///
/// Requests go one after another, in the check's order. A request that fails (a wrong answer,
/// a refused connection, a timeout) is sent again, up to `attempts` times in all, `retryDelay`
/// apart: a release that has just started may need a moment. Every request is run even when an
/// earlier one failed, so the evidence shows the whole picture.
///
/// Each attempt may take twice the request's latency budget, or ``defaultTimeout`` without one.
/// The HTTP client keeps retrying a refused connection within that time, so a release that is
/// not there takes `attempts` × the timeout to be reported.
public struct SmokeCheckRunner: Sendable {
    /// The longest a request may take when it has no latency budget.
    public static let defaultTimeout: Duration = .seconds(10)
    /// The most of an answer's body that is read.
    public static let maximumBodyBytes = 4 << 20

    let httpClient: HTTPClient
    let attempts: Int
    let retryDelay: Duration
    let headers: [String: String]
    let sleep: @Sendable (Duration) async throws -> Void

    /// - Parameters:
    ///   - attempts: how many times a failing request is sent in all (at least 1).
    ///   - retryDelay: the pause between two attempts.
    ///   - headers: sent with every request (e.g. `Authorization`); a request's own headers win.
    ///   - sleep: how to pause between attempts; tests pass one that does not really sleep.
    public init(
        httpClient: HTTPClient = .shared, attempts: Int = 3, retryDelay: Duration = .milliseconds(200),
        headers: [String: String] = [:],
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.httpClient = httpClient
        self.attempts = max(1, attempts)
        self.retryDelay = retryDelay
        self.headers = headers
        self.sleep = sleep
    }

    /// Runs `check` against the release at `baseURL` (`http://127.0.0.1:8080`). Never throws: a
    /// request that could not be sent is a failed request whose `error` says why.
    public func run(
        name: String, _ check: SmokeCheck, baseURL: String, now: @Sendable () -> Date = Date.init
    ) async -> SmokeCheckResult {
        let startedAt = now()
        var results: [SmokeRequestResult] = []
        for request in check.requests {
            results.append(await run(request, baseURL: baseURL))
        }
        return SmokeCheckResult(
            name: name, passed: results.allSatisfy(\.passed), requests: results, startedAt: startedAt, finishedAt: now()
        )
    }

    /// Sends `request` until it passes or `attempts` are used up; the last attempt is the result.
    func run(_ request: SmokeRequest, baseURL: String) async -> SmokeRequestResult {
        var attempt = 0
        while true {
            attempt += 1
            var result = await send(request, baseURL: baseURL)
            result.attempts = attempt
            if result.passed || attempt >= attempts { return result }
            do {
                try await sleep(retryDelay)
            } catch {
                result.error = (result.error.map { $0 + "; " } ?? "") + "stopped retrying: \(error)"
                return result
            }
        }
    }

    /// One attempt: sends the request, reads the whole answer, times it, and evaluates it.
    func send(_ request: SmokeRequest, baseURL: String) async -> SmokeRequestResult {
        let url = Self.url(baseURL: baseURL, path: request.path)
        var result = SmokeRequestResult(
            name: request.name, method: request.method, path: request.path, status: nil, latencyMilliseconds: 0,
            attempts: 1, mismatches: [], error: nil, passed: false
        )
        var outgoing = HTTPClientRequest(url: url)
        outgoing.method = .init(rawValue: request.method.uppercased())
        if let body = request.body {
            do {
                let data = try JSONEncoder().encode(body)
                outgoing.body = .bytes(ByteBuffer(data: data))
                outgoing.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            } catch {
                result.error = "cannot encode the body of \(request.name) as JSON: \(error)"
                return result
            }
        }
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { outgoing.headers.replaceOrAdd(name: name, value: value) }
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) {
            outgoing.headers.replaceOrAdd(name: name, value: value)
        }
        let timeout = request.latencyBudget.map { $0 * 2 } ?? Self.defaultTimeout
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let response = try await httpClient.execute(outgoing, timeout: Self.timeAmount(timeout))
            let bytes = try await response.body.collect(upTo: Self.maximumBodyBytes)
            let latency = clock.now - start
            let status = Int(response.status.code)
            let json = bytes.readableBytes == 0 ? nil : try? JSONDecoder().decode(JSONValue.self, from: bytes)
            result.status = status
            result.latencyMilliseconds = SmokeEvaluation.millisecondsValue(latency)
            result.mismatches = SmokeEvaluation.mismatches(for: request, status: status, body: json, latency: latency)
            result.passed = result.mismatches.isEmpty
        } catch {
            result.latencyMilliseconds = SmokeEvaluation.millisecondsValue(clock.now - start)
            result.error = Self.describe(error, method: request.method, url: url, timeout: timeout)
        }
        return result
    }

    /// `baseURL` and `path` joined with exactly one slash.
    static func url(baseURL: String, path: String) -> String {
        var base = Substring(baseURL)
        while base.hasSuffix("/") { base = base.dropLast() }
        return path.hasPrefix("/") ? "\(base)\(path)" : "\(base)/\(path)"
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// Why a request got no answer, in words that say what to look at.
    static func describe(_ error: any Error, method: String, url: String, timeout: Duration) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout:
                return "\(method) \(url) got no answer within \(timeout); is the release overloaded or hung?"
            case .remoteConnectionClosed:
                return "\(method) \(url): the release closed the connection before answering"
            default:
                break
            }
        }
        if error is NIOTooManyBytesError {
            return "\(method) \(url) answered more than \(maximumBodyBytes) bytes"
        }
        return "\(method) \(url) failed: \(error); is the release running and listening there?"
    }
}
