/// Why a ``ModelRollout`` stopped. It runs before any traffic moves, so stopping is safe: the
/// release waits until a person (or a retry) fixes what the message says.
public enum ModelRolloutError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One endpoint's digest of the model.
    public struct EndpointDigest: Sendable, Hashable, Codable {
        public var url: String
        public var digest: String

        public init(url: String, digest: String) {
            self.url = url
            self.digest = digest
        }
    }

    /// A step failed on one endpoint: it is down, Ollama refused the pull or create, the model
    /// did not load, or the step took longer than the rollout's timeout. `message` is Ollama's
    /// own message (or the transport's); `retryable` says whether trying again may help.
    case endpointFailed(endpoint: String, step: ModelRolloutStep, model: String, message: String, retryable: Bool)
    /// The endpoints hold different builds of the model under the same name.
    case digestMismatch(model: String, digests: [EndpointDigest])
    /// The environment lists no Ollama endpoint, so there is nowhere to put the model.
    case noEndpoints(model: String)
    /// The pipeline's Modelfile cannot be turned into an `/api/create` request.
    case invalidModelfile(model: String, problem: String)

    /// The endpoints the error is about, in the order they were given.
    public var endpoints: [String] {
        switch self {
        case .endpointFailed(let endpoint, _, _, _, _): return [endpoint]
        case .digestMismatch(_, let digests): return digests.map(\.url)
        case .noEndpoints, .invalidModelfile: return []
        }
    }

    /// The step that failed, when one endpoint's step did.
    public var step: ModelRolloutStep? {
        if case .endpointFailed(_, let step, _, _, _) = self { return step }
        if case .digestMismatch = self { return .digest }
        return nil
    }

    /// Whether the same rollout may succeed if run again later (an endpoint briefly down or busy).
    public var isRetryable: Bool {
        if case .endpointFailed(_, _, _, _, let retryable) = self { return retryable }
        return false
    }

    public var description: String {
        switch self {
        case .endpointFailed(let endpoint, let step, let model, let message, _):
            return "model rollout of \(model): the \(step.rawValue) step failed on \(endpoint): \(message)\n"
                + "  what to do: \(Self.advice(step: step, endpoint: endpoint, model: model))"
        case .digestMismatch(let model, let digests):
            let width = digests.map(\.url.count).max() ?? 0
            let lines = digests.map { "  \($0.url.padding(toLength: width, withPad: " ", startingAt: 0))  \($0.digest)" }
            return "model rollout of \(model): the endpoints hold different builds of the model "
                + "(one digest was expected everywhere):\n" + lines.joined(separator: "\n") + "\n"
                + "  what to do: remove the odd copies (`ollama rm \(model)` on those endpoints) and run the "
                + "step again, so Slipway pulls or creates the same build everywhere"
        case .noEndpoints(let model):
            return "model rollout of \(model): the environment lists no Ollama endpoint\n"
                + "  what to do: add the endpoints to `ollama: endpoints:` in the environment's file, "
                + "or remove `model:` from the pipeline"
        case .invalidModelfile(let model, let problem):
            return "model rollout of \(model): the pipeline's Modelfile cannot be used: \(problem)\n"
                + "  what to do: fix the file named by `model: modelfile:` in the pipeline"
        }
    }

    private static func advice(step: ModelRolloutStep, endpoint: String, model: String) -> String {
        switch step {
        case .list, .digest:
            return "check that Ollama runs at \(endpoint) and that Slipway can reach it, "
                + "or remove it from the environment's `ollama: endpoints:`"
        case .pull:
            return "check that \(model) exists in its registry and that \(endpoint) can reach the registry "
                + "and has the disk space, or run `ollama pull \(model)` on that host"
        case .create:
            return "check the pipeline's Modelfile: its FROM model must be present on \(endpoint) "
                + "(pull it there first, or name one that is)"
        case .preload:
            return "check that \(endpoint) has the memory to load \(model) (Ollama's log says why it did not load)"
        }
    }
}
