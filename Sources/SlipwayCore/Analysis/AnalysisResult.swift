import Foundation

/// What a whole analysis run came to, with its samples as evidence.
public struct AnalysisResult: Sendable, Equatable, Codable {
    /// The template's name (`error-and-latency`).
    public var template: String
    /// The release whose metrics were analysed.
    public var release: String
    public var passed: Bool
    /// The samples taken, in order; fewer than the template asks for when the run stopped early.
    public var samples: [AnalysisSample]
    /// Why the run failed: how many samples failed, and the first failure's reason.
    public var failureReason: String?
    public var startedAt: Date
    public var finishedAt: Date

    public init(
        template: String, release: String, passed: Bool, samples: [AnalysisSample], failureReason: String?,
        startedAt: Date, finishedAt: Date
    ) {
        self.template = template
        self.release = release
        self.passed = passed
        self.samples = samples
        self.failureReason = failureReason
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}
