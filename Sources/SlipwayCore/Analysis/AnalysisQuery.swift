import Foundation

/// A query an analysis metric may name, evaluated over the change between two scrapes of
/// ModelServe's `/metrics` for one release (the `release` label), counting only the routes that
/// carry traffic (``trafficRoutes``), not probes or scrapes.
///
/// - `modelserve_error_ratio`: Δ 5xx answers / Δ all answers.
/// - `modelserve_request_duration_p50_seconds` (also `p90`, `p95`, `p99`): the quantile of the
///   Δ request-duration histogram, interpolated inside its bucket as `histogram_quantile` does.
/// - `modelserve_request_rate`: Δ answers / seconds between the scrapes.
///
/// And over two scrapes of the environment's HAProxy (its Prometheus exporter), for the
/// release's server only — what users saw through the proxy, refused connections included:
/// - `haproxy_server_error_ratio`: Δ 5xx responses / Δ all responses of the server
///   (`haproxy_server_http_responses_total`), plus its connection errors on both sides.
/// - `haproxy_server_response_time_average_seconds`: HAProxy's own average response time of
///   the server over its last 1024 requests, as the window's closing scrape reads it.
public enum AnalysisQuery: Sendable, Hashable {
    case errorRatio
    case requestDurationQuantile(percentile: Int)
    case requestRate
    case proxyErrorRatio
    case proxyResponseTime

    /// Where a query's numbers come from.
    public enum Source: Sendable, Hashable {
        /// The release's own `/metrics` (ModelServe).
        case release
        /// The environment's proxy (HAProxy's Prometheus exporter).
        case proxy
    }

    public var source: Source {
        switch self {
        case .errorRatio, .requestDurationQuantile, .requestRate: return .release
        case .proxyErrorRatio, .proxyResponseTime: return .proxy
        }
    }

    /// The `route` label values that count as traffic.
    public static let trafficRoutes: Set<String> = ["generate", "chat", "embeddings"]
    /// The percentiles a duration query may ask for.
    public static let percentiles = [50, 90, 95, 99]
    /// Every query this understands, by name.
    public static let known: [String] =
        ["modelserve_error_ratio", "modelserve_request_rate"]
            + percentiles.map { "modelserve_request_duration_p\($0)_seconds" }
            + ["haproxy_server_error_ratio", "haproxy_server_response_time_average_seconds"]

    static let requestsCounter = "modelserve_requests_total"
    static let durationBuckets = "modelserve_request_duration_seconds_bucket"

    /// Reads a query name, e.g. `modelserve_error_ratio`.
    public init(_ query: String) throws(AnalysisQueryError) {
        let name = query.trimmingCharacters(in: .whitespaces)
        switch name {
        case "modelserve_error_ratio": self = .errorRatio
        case "modelserve_request_rate": self = .requestRate
        case "haproxy_server_error_ratio": self = .proxyErrorRatio
        case "haproxy_server_response_time_average_seconds": self = .proxyResponseTime
        default:
            for percentile in Self.percentiles where name == "modelserve_request_duration_p\(percentile)_seconds" {
                self = .requestDurationQuantile(percentile: percentile)
                return
            }
            throw AnalysisQueryError(query: query, known: Self.known)
        }
    }

    /// The query's name, as written in an analysis template.
    public var name: String {
        switch self {
        case .errorRatio: return "modelserve_error_ratio"
        case .requestRate: return "modelserve_request_rate"
        case .requestDurationQuantile(let percentile): return "modelserve_request_duration_p\(percentile)_seconds"
        case .proxyErrorRatio: return "haproxy_server_error_ratio"
        case .proxyResponseTime: return "haproxy_server_response_time_average_seconds"
        }
    }

    /// The value over `window` for `release` (a query of the release's own metrics).
    public func evaluate(over window: MetricsWindow, release: String) -> Double? {
        evaluate(over: window, subject: AnalysisSubject(release: release))
    }

    /// The value over `window` for `release`, or nil ("no data") when no request was answered in
    /// the window: a ratio or a latency of no requests is unknown, not 0. The request rate is 0
    /// when the release's counters exist but did not move, and nil only when the release has no
    /// request counters at all (e.g. a mistyped release id).
    ///
    /// A proxy query reads `window` as scrapes of the proxy and needs the subject's proxy and
    /// server; without them it has no data. HAProxy's response time is 0 for a server that has
    /// answered nothing yet, which is no data too.
    public func evaluate(over window: MetricsWindow, subject: AnalysisSubject) -> Double? {
        let release = subject.release
        let traffic: ([String: String]) -> Bool = { labels in
            labels["release"] == release && labels["route"].map(Self.trafficRoutes.contains) == true
        }
        let server: ([String: String]) -> Bool = { labels in
            subject.proxy != nil && labels["proxy"] == subject.proxy && labels["server"] == subject.server
        }
        switch self {
        case .proxyErrorRatio:
            let responses = window.increases(of: "haproxy_server_http_responses_total", matching: server)
            let failed = window.increases(of: "haproxy_server_connection_errors_total", matching: server)
                .reduce(0) { $0 + $1.increase }
            let total = responses.reduce(0) { $0 + $1.increase } + failed
            guard total > 0 else { return nil }
            let errors = responses.filter { $0.labels["code"] == "5xx" }.reduce(0) { $0 + $1.increase } + failed
            return errors / total
        case .proxyResponseTime:
            let answered = window.increases(of: "haproxy_server_http_responses_total", matching: server).reduce(0) { $0 + $1.increase }
            guard answered > 0,
                  let value = window.after.first(where: { $0.name == "haproxy_server_response_time_average_seconds" && server($0.labels) })?.value
            else { return nil }
            return value
        case .errorRatio:
            let increases = window.increases(of: Self.requestsCounter, matching: traffic)
            let total = increases.reduce(0) { $0 + $1.increase }
            guard total > 0 else { return nil }
            let errors = increases.filter { $0.labels["status"]?.first == "5" }.reduce(0) { $0 + $1.increase }
            return errors / total
        case .requestRate:
            guard window.seconds > 0, window.hasSeries(named: Self.requestsCounter, matching: traffic) else { return nil }
            let total = window.increases(of: Self.requestsCounter, matching: traffic).reduce(0) { $0 + $1.increase }
            return total / window.seconds
        case .requestDurationQuantile(let percentile):
            var buckets: [Double: Double] = [:]
            for (labels, increase) in window.increases(of: Self.durationBuckets, matching: traffic) {
                guard let text = labels["le"], let bound = PrometheusText.number(text), !bound.isNaN else { continue }
                buckets[bound, default: 0] += increase
            }
            let sorted = buckets.sorted { $0.key < $1.key }.map { (upperBound: $0.key, count: $0.value) }
            return Self.histogramQuantile(Double(percentile) / 100, buckets: sorted)
        }
    }

    /// The `quantile` (0…1) of a cumulative histogram, as Prometheus' `histogram_quantile` computes
    /// it: find the bucket holding the rank `quantile × total`, then interpolate linearly between
    /// its lower and upper bounds (the first bucket starts at 0). A rank in the `+Inf` bucket
    /// answers the highest finite bound. Nil when the histogram is empty or has no `+Inf` bucket.
    public static func histogramQuantile(_ quantile: Double, buckets: [(upperBound: Double, count: Double)]) -> Double? {
        guard buckets.count >= 2, let last = buckets.last, last.upperBound == .infinity else { return nil }
        // Counts must not decrease with the bound; a scrape racing an observation can break that.
        var counts: [Double] = []
        for bucket in buckets { counts.append(max(bucket.count, counts.last ?? 0)) }
        let total = counts[counts.count - 1]
        guard total > 0 else { return nil }
        let rank = quantile * total
        guard let index = counts.indices.dropLast().first(where: { counts[$0] >= rank }) else {
            return buckets[buckets.count - 2].upperBound
        }
        let upper = buckets[index].upperBound
        if index == 0 && upper <= 0 { return upper }
        let lower = index == 0 ? 0 : buckets[index - 1].upperBound
        let below = index == 0 ? 0 : counts[index - 1]
        let inBucket = counts[index] - below
        guard inBucket > 0 else { return upper }
        return lower + (upper - lower) * ((rank - below) / inBucket)
    }
}
