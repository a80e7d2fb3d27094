import NIOConcurrencyHelpers
import OllamaKit

/// The Ollama servers behind ModelServe: which are healthy, how busy each is, which models each has.
///
/// Requests go to the healthy endpoint with the fewest requests under way (ties rotate), and move
/// on to the next one when an endpoint cannot be reached or says it is busy. An endpoint that
/// failed stays last in line until a health check or a request succeeds on it again.
///
/// A lock guards the state (held only to read or bump counters), so a request answered on its
/// connection's event loop picks its endpoint without leaving the loop.
public final class UpstreamPool: Sendable {
    /// What is known about one Ollama server.
    public struct Endpoint: Sendable {
        public let url: String
        public let client: OllamaClient
        /// The lean client for non-streamed generate and chat calls, when the URL allows one.
        let connections: UpstreamConnections?
        /// Requests under way on it from this process.
        public internal(set) var inFlight = 0
        /// False after a failed connection or health check, until one succeeds.
        public internal(set) var healthy = true
        /// Its models (normalized name → digest) at the last successful health check.
        public internal(set) var models: [String: String] = [:]
        /// Whether a health check has answered yet.
        public internal(set) var checked = false
        /// What went wrong last, for `/ready`.
        public internal(set) var lastError: String?
    }

    private struct State {
        var endpoints: [Endpoint]
        var rotation = 0
    }

    private let state: NIOLockedValueBox<State>
    private let observeHealth: @Sendable (_ url: String, _ healthy: Bool) -> Void
    private let connections: [UpstreamConnections]
    /// Whether every endpoint has a lean client (plain `http://` URLs), so a non-streamed
    /// generate or chat never needs AsyncHTTPClient.
    let allLean: Bool

    /// The endpoints as they are now.
    public var endpoints: [Endpoint] { state.withLockedValue { $0.endpoints } }

    /// - Parameter connectTimeout: when set, non-streamed generate and chat calls go through an
    ///   ``UpstreamConnections`` per endpoint (connecting within this time) instead of the client.
    public init(
        clients: [OllamaClient], connectTimeout: Duration? = nil,
        observeHealth: @escaping @Sendable (String, Bool) -> Void = { _, _ in }
    ) {
        precondition(!clients.isEmpty, "an upstream pool needs at least one Ollama server")
        let endpoints = clients.map { client in
            Endpoint(
                url: client.baseURL, client: client,
                connections: connectTimeout.flatMap {
                    UpstreamConnections(baseURL: client.baseURL, connectTimeout: $0, maxResponseBytes: client.maxResponseBytes)
                }
            )
        }
        connections = endpoints.compactMap(\.connections)
        allLean = connections.count == endpoints.count
        state = NIOLockedValueBox(State(endpoints: endpoints))
        self.observeHealth = observeHealth
    }

    /// Closes the lean clients' idle connections (at shutdown).
    public func closeIdleConnections() {
        for pool in connections { pool.shutdown() }
    }

    /// The order to try endpoints in: healthy ones by fewest in flight (ties rotating), then the rest.
    func ranking() -> [Int] {
        state.withLockedValue { state in
            let count = state.endpoints.count
            if count == 1 { return [0] }
            state.rotation &+= 1
            let endpoints = state.endpoints
            let offset = state.rotation % count
            let order = (0..<count).map { ($0 + offset) % count }
            let healthy = order.filter { endpoints[$0].healthy }.sorted { endpoints[$0].inFlight < endpoints[$1].inFlight }
            return healthy + order.filter { !endpoints[$0].healthy }
        }
    }

    func begin(_ index: Int) -> Upstream {
        state.withLockedValue { state in
            state.endpoints[index].inFlight += 1
            return Upstream(client: state.endpoints[index].client, connections: state.endpoints[index].connections)
        }
    }

    /// How a call on an endpoint went.
    enum Outcome: Sendable {
        case succeeded
        case failed(OllamaError)
        /// Cancelled or otherwise ended without saying anything about the endpoint.
        case abandoned
    }

    func end(_ index: Int, _ outcome: Outcome) {
        state.withLockedValue { state in
            state.endpoints[index].inFlight -= 1
            switch outcome {
            case .succeeded: setHealth(&state, index, healthy: true, error: nil)
            case .failed(let error) where error.code == .connectionFailed: setHealth(&state, index, healthy: false, error: error.message)
            case .failed, .abandoned: break
            }
        }
    }

    /// Records a health check's outcome: the models listed, or the error.
    func recordCheck(_ index: Int, models: ModelList?, error: String?) {
        state.withLockedValue { state in
            let first = !state.endpoints[index].checked
            state.endpoints[index].checked = true
            if let models {
                state.endpoints[index].models = Dictionary(
                    models.models.map { (OllamaModelName.normalized($0.name), $0.digest) }, uniquingKeysWith: { first, _ in first }
                )
                setHealth(&state, index, healthy: true, error: nil, report: first)
            } else {
                setHealth(&state, index, healthy: false, error: error, report: first)
            }
        }
    }

    /// Records an endpoint's health; `report` forces telling the observer even when unchanged.
    /// Called under the lock, so the observer hears changes in order.
    private func setHealth(_ state: inout State, _ index: Int, healthy: Bool, error: String?, report: Bool = false) {
        let changed = state.endpoints[index].healthy != healthy
        state.endpoints[index].healthy = healthy
        state.endpoints[index].lastError = error
        if changed || report { observeHealth(state.endpoints[index].url, healthy) }
    }

    /// Whether some healthy endpoint has `model`, and if not, why.
    public func readiness(model: String) -> (ready: Bool, reason: String) {
        let endpoints = self.endpoints
        let name = OllamaModelName.normalized(model)
        if endpoints.contains(where: { $0.healthy && $0.checked && $0.models[name] != nil }) {
            return (true, "an upstream Ollama answers and has \(name)")
        }
        if !endpoints.contains(where: \.checked) { return (false, "no upstream has answered a health check yet") }
        if !endpoints.contains(where: { $0.healthy && $0.checked }) {
            let errors = endpoints.compactMap { endpoint in endpoint.lastError.map { "\(endpoint.url): \($0)" } }
            return (false, "no upstream Ollama answers" + (errors.isEmpty ? "" : " (" + errors.joined(separator: "; ") + ")"))
        }
        return (false, "no healthy upstream has the model \(name); pull it first")
    }

    /// The digest some endpoint reports for `model`.
    public func digest(of model: String) -> String? {
        let name = OllamaModelName.normalized(model)
        return endpoints.lazy.compactMap { $0.models[name] }.first
    }
}

/// A call's hold on an endpoint: it counts as in flight there until ``end(_:)``.
public struct UpstreamLease: Sendable {
    let pool: UpstreamPool
    let index: Int
    /// The endpoint's URL.
    public let url: String

    /// Ends the hold, saying how the call went.
    func end(_ outcome: UpstreamPool.Outcome) {
        pool.end(index, outcome)
    }
}

extension UpstreamPool {
    /// Runs `call` on the best endpoint, moving on to the next when one cannot be reached or is busy.
    ///
    /// - Throws: the last endpoint's ``OllamaError`` when every endpoint failed that way; any other
    ///   error (a rejected request, a timeout, cancellation) at once.
    public func perform<Result: Sendable>(
        _ call: (OllamaClient) async throws -> Result
    ) async throws -> Result {
        try await performOnUpstream { try await call($0.client) }
    }

    /// Like ``perform(_:)``, with the endpoint's lean client too.
    func performOnUpstream<Result: Sendable>(
        _ call: (Upstream) async throws -> Result
    ) async throws -> Result {
        let (result, lease) = try await performHolding(call)
        lease.end(.succeeded)
        return result
    }

    /// Like ``perform(_:)``, but the endpoint stays counted as busy until the caller ends the
    /// returned lease: for a stream, whose first piece `call` awaits and whose rest follows later.
    func performHolding<Result: Sendable>(
        _ call: (Upstream) async throws -> Result
    ) async throws -> (Result, UpstreamLease) {
        var lastFailure: OllamaError?
        for index in ranking() {
            let upstream = begin(index)
            let lease = UpstreamLease(pool: self, index: index, url: upstream.client.baseURL)
            do {
                return (try await call(upstream), lease)
            } catch let error as OllamaError {
                lease.end(.failed(error))
                guard error.code == .connectionFailed || error.code == .serverBusy else { throw error }
                lastFailure = error
            } catch {
                lease.end(.abandoned)
                throw error
            }
        }
        throw lastFailure ?? OllamaError(code: .connectionFailed, message: "no upstream Ollama is configured", route: "")
    }
}

/// One endpoint's ways of calling it: the client for everything, and the lean client for
/// non-streamed generate and chat when there is one.
struct Upstream: Sendable {
    let client: OllamaClient
    let connections: UpstreamConnections?
}
