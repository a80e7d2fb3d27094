import Foundation
import Hummingbird
import OllamaKit

/// The simulator's state and behaviour, shared by every route: the model registry, the
/// injected faults, and how fast tokens come out.
struct Simulator: Sendable {
    let registry: ModelRegistry
    let faults: FaultPlan
    /// The pause before each generated token.
    let tokenDelay: Duration
    /// What `/api/version` answers.
    let version: String
    /// What was served, for `GET /sim/stats`.
    let statistics = SimStatistics()

    /// Looks the model up and applies the faults that precede an answer: a full queue (503),
    /// added latency (fixed plus jitter), and the error rate (500). Returns the model and its fault.
    func admit(model name: String) async throws -> (ModelRegistry.Model, Fault) {
        await statistics.requestReceived()
        guard let model = await registry.model(named: name) else { throw SimFailure.modelNotFound(name) }
        let fault = faults.fault(forLineage: model.lineage)
        if fault.queueFull == true { throw SimFailure.serverBusy }
        let delay = max(0, fault.latencyMs ?? 0) + Int.random(in: 0...max(0, fault.jitterMs ?? 0))
        if delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
        if let rate = fault.errorRate, rate > 0, Double.random(in: 0..<1) < rate {
            throw SimFailure(
                status: .internalServerError,
                message: "ollama-sim: injected failure for model \"\(model.name)\" (error rate \(rate))"
            )
        }
        return (model, fault)
    }

    /// The output for one prompt, produced token by token with the configured delays.
    struct Generation: Sendable {
        var tokens: [String]
        var truncated: Bool
        var promptTokens: Int
        var firstTokenDelay: Duration
        var tokenDelay: Duration
        var loadDuration: Int64

        var doneReason: String { truncated ? "length" : "stop" }
        var text: String { tokens.joined() }

        /// Calls `emit` with each token after its delay; returns the metrics of the final line.
        /// A slow first token is reported as prompt evaluation time, as a long prompt would be.
        func run(
            startedAt start: ContinuousClock.Instant, emit: (String) async throws -> Void
        ) async throws -> GenerationMetrics {
            let promptStart = ContinuousClock.now
            try await Task.sleep(for: firstTokenDelay)
            let evalStart = ContinuousClock.now
            for token in tokens {
                try await Task.sleep(for: tokenDelay)
                try await emit(token)
            }
            let end = ContinuousClock.now
            return GenerationMetrics(
                totalDuration: Self.nanoseconds(end - start), loadDuration: loadDuration,
                promptEvalCount: promptTokens,
                promptEvalDuration: Int64(promptTokens) * 40_000 + Self.nanoseconds(evalStart - promptStart),
                evalCount: tokens.count, evalDuration: max(1, Self.nanoseconds(end - evalStart))
            )
        }

        static func nanoseconds(_ duration: Duration) -> Int64 {
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        }
    }

    /// Prepares the output for `input` on `model`, marking the model loaded for `keepAlive`.
    func generation(
        model: ModelRegistry.Model, fault: Fault, input: String, options: ModelOptions?, keepAlive: KeepAlive?
    ) async -> Generation {
        let wasLoaded = await registry.touch(model.name, keepAlive: keepAlive)
        let (tokens, truncated) = TextSynthesizer.tokens(
            model: model.base, input: input, drift: fault.drift, limit: options?.numPredict
        )
        return Generation(
            tokens: tokens, truncated: truncated, promptTokens: TextSynthesizer.countTokens(input),
            firstTokenDelay: .milliseconds(max(0, fault.firstTokenDelayMs ?? 0)), tokenDelay: tokenDelay,
            loadDuration: wasLoaded ? 150_000 : 12_000_000
        )
    }

    /// Ollama's `created_at`.
    static func now() -> String { Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }
}
