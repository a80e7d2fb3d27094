import Foundation

/// What one prompt of a drift check came to: the running release's answer, the new release's,
/// and how far apart they are (``TextDivergence``).
public struct DriftPromptResult: Sendable, Equatable, Codable {
    public var prompt: String
    /// The running release's answer; nil when there is no running release or it did not answer.
    public var baseline: String?
    /// The new release's answer; nil when it did not answer.
    public var candidate: String?
    /// 0 … 1; nil when one of the answers is missing.
    public var divergence: Double?
    /// Why an answer is missing.
    public var error: String?

    public init(prompt: String, baseline: String?, candidate: String?, divergence: Double?, error: String?) {
        self.prompt = prompt
        self.baseline = baseline
        self.candidate = candidate
        self.divergence = divergence
        self.error = error
    }
}

/// What a whole drift check came to. It passes when every prompt was answered by both releases
/// and no divergence is above the bound, or when there is no running release to compare with
/// (the first release of an environment: its answers become the baseline for the next).
public struct DriftCheckResult: Sendable, Equatable, Codable {
    public var name: String
    public var maxDivergence: Double
    /// False when the environment had no running release to compare with.
    public var compared: Bool
    public var prompts: [DriftPromptResult]
    public var startedAt: Date
    public var finishedAt: Date

    public init(name: String, maxDivergence: Double, compared: Bool, prompts: [DriftPromptResult], startedAt: Date, finishedAt: Date) {
        self.name = name
        self.maxDivergence = maxDivergence
        self.compared = compared
        self.prompts = prompts
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    /// The largest divergence measured.
    public var worstDivergence: Double? { prompts.compactMap(\.divergence).max() }

    public var passed: Bool { failures.isEmpty }

    /// Why the check failed, one line per prompt that failed it; empty when it passed.
    public var failures: [String] {
        prompts.compactMap { result in
            if let error = result.error { return "\"\(result.prompt)\": \(error)" }
            guard compared else { return nil }
            guard let divergence = result.divergence else { return "\"\(result.prompt)\": no answer to compare" }
            guard divergence > maxDivergence else { return nil }
            return "\"\(result.prompt)\": the answers diverge by \(Self.format(divergence)) (at most \(Self.format(maxDivergence)) allowed)"
        }
    }

    static func format(_ value: Double) -> String {
        String(format: "%.2f", value)
    }
}
