import Foundation

/// One sample of an analysis run: every metric of the template measured over the window since
/// the previous scrape. Kept in the ledger as evidence.
public struct AnalysisSample: Sendable, Equatable, Codable {
    /// 1 for the first sample.
    public var index: Int
    /// When the scrape that closed the window was taken.
    public var takenAt: Date
    /// Seconds between the two scrapes.
    public var windowSeconds: Double
    public var measurements: [AnalysisMeasurement]
    /// Passed when every measurement passed.
    public var verdict: AnalysisVerdict

    public init(index: Int, takenAt: Date, windowSeconds: Double, measurements: [AnalysisMeasurement]) {
        self.index = index
        self.takenAt = takenAt
        self.windowSeconds = windowSeconds
        self.measurements = measurements
        self.verdict = AnalysisVerdict.judge(sample: measurements.map(\.verdict))
    }

    public var passed: Bool { verdict.isPassed }

    /// Measures every metric of `metrics` over `window` for `release`.
    public static func measure(
        _ metrics: [AnalysisMetric], queries: [AnalysisQuery], over window: MetricsWindow, release: String,
        index: Int, takenAt: Date
    ) -> AnalysisSample {
        measure(metrics, queries: queries, over: window, proxyWindow: nil, subject: AnalysisSubject(release: release), index: index, takenAt: takenAt)
    }

    /// Measures every metric of `metrics` for `subject`: release queries over `window`, proxy
    /// queries over `proxyWindow` (no data without one).
    public static func measure(
        _ metrics: [AnalysisMetric], queries: [AnalysisQuery], over window: MetricsWindow, proxyWindow: MetricsWindow?,
        subject: AnalysisSubject, index: Int, takenAt: Date
    ) -> AnalysisSample {
        let measurements = zip(metrics, queries).map { metric, query in
            let value: Double?
            switch query.source {
            case .release: value = query.evaluate(over: window, subject: subject)
            case .proxy: value = proxyWindow.flatMap { query.evaluate(over: $0, subject: subject) }
            }
            return AnalysisMeasurement(
                metric: metric.name, query: metric.query, value: value, min: metric.min, max: metric.max,
                verdict: AnalysisVerdict.judge(metric, value: value)
            )
        }
        return AnalysisSample(index: index, takenAt: takenAt, windowSeconds: window.seconds, measurements: measurements)
    }
}
