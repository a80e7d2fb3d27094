/// One thing that happened during a ``ModelRollout`` on one endpoint: a progress line of a pull
/// or create as Ollama sent it, or the end of a step (`"present"`, `"missing"`, the digest read,
/// `"loaded"`). The ledger keeps these as evidence of what the rollout did.
public struct ModelRolloutProgress: Sendable, Hashable, Codable {
    /// The endpoint's base URL, as the environment names it (without a trailing slash).
    public var endpoint: String
    /// The step the line belongs to.
    public var step: ModelRolloutStep
    /// Ollama's status text (`"pulling manifest"`, `"success"`, …) or the step's own summary.
    public var status: String
    /// For a pull, the layer being downloaded (`sha256:<hex>`); for the digest step, the
    /// model's digest as `/api/tags` reports it.
    public var digest: String?
    /// Size of the layer in bytes, while pulling.
    public var total: Int64?
    /// Bytes of the layer downloaded so far, while pulling.
    public var completed: Int64?

    public init(
        endpoint: String, step: ModelRolloutStep, status: String, digest: String? = nil, total: Int64? = nil,
        completed: Int64? = nil
    ) {
        self.endpoint = endpoint
        self.step = step
        self.status = status
        self.digest = digest
        self.total = total
        self.completed = completed
    }

    /// The fraction of the current layer downloaded (0…1), when Ollama reported sizes.
    public var fractionCompleted: Double? {
        guard let total, let completed, total > 0 else { return nil }
        return min(1, max(0, Double(completed) / Double(total)))
    }
}
