import OllamaKit
/// Faults the simulator injects for one model (or, under the name `*`, for every model).
///
/// In a faults file every field is optional:
/// `{"sim-small:latest": {"latencyMs": 200, "jitterMs": 50, "errorRate": 0.5, "queueFull": false,
///   "firstTokenDelayMs": 300, "drift": "length"}, "*": {"latencyMs": 10}}`
struct Fault: Sendable, Hashable, Codable {
    /// Fixed delay before the response head, in milliseconds.
    var latencyMs: Int?
    /// Random extra delay, uniformly 0…jitterMs milliseconds, added to ``latencyMs``.
    var jitterMs: Int?
    /// Fraction (0…1) of requests answered 500 with an Ollama-style error body.
    var errorRate: Double?
    /// Every request is answered 503 "server busy", as Ollama does when its queue is full.
    var queueFull: Bool?
    /// Delay before the first token, in milliseconds.
    var firstTokenDelayMs: Int?
    /// Output that differs from the undrifted model's.
    var drift: Drift?

    /// How a drifted model's output differs.
    enum Drift: String, Sendable, Hashable, Codable, CaseIterable {
        /// The same opening words, about twice as many of them.
        case length
        /// The same number of words, different ones.
        case wording
    }

    /// This fault with every field `other` sets taking precedence.
    func merged(with other: Fault) -> Fault {
        Fault(
            latencyMs: other.latencyMs ?? latencyMs,
            jitterMs: other.jitterMs ?? jitterMs,
            errorRate: other.errorRate ?? errorRate,
            queueFull: other.queueFull ?? queueFull,
            firstTokenDelayMs: other.firstTokenDelayMs ?? firstTokenDelayMs,
            drift: other.drift ?? drift
        )
    }
}

/// The faults of every model: per model name, with `*` applying to all.
struct FaultPlan: Sendable {
    var byModel: [String: Fault] = [:]

    /// The fault for a model with this ancestry (base first): the `*` entry, then each
    /// ancestor's, then the model's own, each overriding the fields it sets. A model built
    /// `FROM` a faulty base is as faulty as its base.
    func fault(forLineage lineage: [String]) -> Fault {
        lineage.reduce(byModel["*"] ?? Fault()) { fault, model in
            fault.merged(with: byModel[OllamaModelName.normalized(model)] ?? byModel[model] ?? Fault())
        }
    }

    /// Adds `fault`'s fields to `model`'s entry.
    mutating func add(_ fault: Fault, for model: String) {
        let key = model == "*" ? model : OllamaModelName.normalized(model)
        byModel[key] = (byModel[key] ?? Fault()).merged(with: fault)
    }
}
