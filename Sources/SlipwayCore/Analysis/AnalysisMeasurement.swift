/// One metric measured in one analysis sample.
public struct AnalysisMeasurement: Sendable, Equatable, Codable {
    /// The metric's name in the template (`error-rate`).
    public var metric: String
    /// The query evaluated (`modelserve_error_ratio`).
    public var query: String
    /// The value over the sample's window; nil when there was no data.
    public var value: Double?
    public var min: Double?
    public var max: Double?
    public var verdict: AnalysisVerdict

    public init(metric: String, query: String, value: Double?, min: Double?, max: Double?, verdict: AnalysisVerdict) {
        self.metric = metric
        self.query = query
        self.value = value
        self.min = min
        self.max = max
        self.verdict = verdict
    }
}
