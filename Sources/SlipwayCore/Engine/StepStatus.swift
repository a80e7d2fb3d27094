/// Where a promotion step is; the values of `promotion_steps.status`.
public enum StepStatus: String, Sendable, CaseIterable, Codable {
    case pending, running, succeeded, failed, skipped

    /// Whether the step will not run again.
    public var isFinished: Bool { self == .succeeded || self == .failed || self == .skipped }
}
