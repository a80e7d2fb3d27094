import Foundation

/// What an analysis concluded: of one metric in one sample, of one sample, or of a whole run.
public enum AnalysisVerdict: Sendable, Hashable, Codable {
    case passed
    case failed(reason: String)
    /// There was nothing to measure (no requests in the window).
    case inconclusive(reason: String)

    public var isPassed: Bool { self == .passed }

    /// The reason, when not passed.
    public var reason: String? {
        switch self {
        case .passed: return nil
        case .failed(let reason), .inconclusive(let reason): return reason
        }
    }

    /// Judges `value` (nil: no data) against `metric`'s bounds, both inclusive.
    public static func judge(_ metric: AnalysisMetric, value: Double?) -> AnalysisVerdict {
        guard let value else {
            return .inconclusive(
                reason: "\(metric.name) (\(metric.query)) has no data: no requests were answered in the window"
            )
        }
        if value.isNaN {
            return .inconclusive(reason: "\(metric.name) (\(metric.query)) is not a number")
        }
        if let max = metric.max, value > max {
            return .failed(reason: "\(metric.name) (\(metric.query)) is \(format(value)), above the maximum \(format(max))")
        }
        if let min = metric.min, value < min {
            return .failed(reason: "\(metric.name) (\(metric.query)) is \(format(value)), below the minimum \(format(min))")
        }
        return .passed
    }

    /// Judges one sample from its metrics' verdicts: passed when every metric passed; otherwise
    /// the first metric that did not pass gives the verdict.
    public static func judge(sample metricVerdicts: [AnalysisVerdict]) -> AnalysisVerdict {
        metricVerdicts.first { !$0.isPassed } ?? .passed
    }

    /// Judges a run of `template` from the verdicts of the samples taken so far.
    ///
    /// An inconclusive sample counts as failed: a canary that served no traffic has shown
    /// nothing, and promoting it on no evidence is what the analysis is there to prevent.
    ///
    /// Failed as soon as more than `failureLimit` samples did not pass (so a run can stop early);
    /// passed once all `samples` were taken without that; nil while undecided.
    public static func judge(_ template: AnalysisTemplate, samples: [AnalysisVerdict]) -> AnalysisVerdict? {
        let failures = samples.filter { !$0.isPassed }
        if failures.count > template.failureLimit {
            let first = failures.first?.reason ?? "a sample failed"
            return .failed(
                reason: "analysis \(template.name): \(failures.count) of \(samples.count) samples failed, "
                    + "more than its failureLimit of \(template.failureLimit); first: \(first)"
            )
        }
        return samples.count >= template.samples ? .passed : nil
    }

    /// A number for a reason: up to 4 decimals, without trailing zeros.
    static func format(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(format: "%.4f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
