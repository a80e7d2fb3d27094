import NIOConcurrencyHelpers
import Prometheus

/// ModelServe's Prometheus metrics, every one labelled with the release id so Slipway's canary
/// analysis can compare two releases serving side by side.
///
/// Kept in this process's own registry (not the global `MetricsSystem`), so several servers can
/// run in one process (tests) and `/metrics` shows exactly these.
public final class ServeMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let releaseID: String

    static let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120),
    ]
    static let tokenRateBuckets: [Double] = [1, 2, 5, 10, 20, 40, 80, 160, 320, 640, 1280]

    private let queueDepth: Gauge
    private let inFlight: Gauge
    private let cacheHits: Counter
    private let cacheMisses: Counter
    private let tokensPerSecond: ValueHistogram
    /// The series recorded on every request, by their labels, so a request does not build the
    /// names and labels again and look them up in the registry (which hands out the same objects).
    private let requestSeries = NIOLockedValueBox<[RequestSeries: (Counter, DurationHistogram)]>([:])
    private let routeHistograms = NIOLockedValueBox<[RouteHistogram: DurationHistogram]>([:])

    private struct RequestSeries: Hashable {
        var route: String
        var status: Int
    }

    private enum RouteMetric: Hashable {
        case upstream, timeToFirstToken
    }

    private struct RouteHistogram: Hashable {
        var metric: RouteMetric
        var route: String
    }

    public init(releaseID: String, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        self.releaseID = releaseID
        let release = [("release", releaseID)]
        queueDepth = registry.makeGauge(
            descriptor: Self.name("queue_depth", "", "Requests waiting for an upstream slot."), labels: release
        )
        inFlight = registry.makeGauge(
            descriptor: Self.name("upstream_in_flight", "", "Upstream requests under way."), labels: release
        )
        cacheHits = registry.makeCounter(
            descriptor: Self.name("cache_hits", "total", "Requests answered from the response cache."), labels: release
        )
        cacheMisses = registry.makeCounter(
            descriptor: Self.name("cache_misses", "total", "Deterministic requests not found in the response cache."),
            labels: release
        )
        tokensPerSecond = registry.makeValueHistogram(
            descriptor: Self.name("tokens_per_second", "", "Generation speed, from Ollama's eval counts."),
            labels: release, buckets: Self.tokenRateBuckets
        )
    }

    static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "modelserve", metricName: metric, unitName: unit, helpText: help)
    }

    /// One answered request: counted by route and status, its latency recorded by route.
    public func recordRequest(route: String, status: Int, duration: Duration) {
        let key = RequestSeries(route: route, status: status)
        let (counter, histogram) = requestSeries.withLockedValue { $0[key] } ?? {
            let series = (
                registry.makeCounter(
                    descriptor: Self.name("requests", "total", "Requests answered, by route and status."),
                    labels: [("route", route), ("status", String(status)), ("release", releaseID)]
                ),
                registry.makeDurationHistogram(
                    descriptor: Self.name("request_duration", "seconds", "Time from request to the end of the answer."),
                    labels: [("route", route), ("release", releaseID)], buckets: Self.latencyBuckets
                )
            )
            requestSeries.withLockedValue { $0[key] = series }
            return series
        }()
        counter.increment()
        histogram.record(duration)
    }

    /// The histogram of `metric` for `route`, made on first use.
    private func histogram(_ metric: RouteMetric, route: String) -> DurationHistogram {
        let key = RouteHistogram(metric: metric, route: route)
        if let histogram = routeHistograms.withLockedValue({ $0[key] }) { return histogram }
        let descriptor = switch metric {
        case .upstream: Self.name("upstream_duration", "seconds", "Time Ollama took to answer.")
        case .timeToFirstToken: Self.name("time_to_first_token", "seconds", "Time from request to the first generated token.")
        }
        let histogram = registry.makeDurationHistogram(
            descriptor: descriptor, labels: [("route", route), ("release", releaseID)], buckets: Self.latencyBuckets
        )
        routeHistograms.withLockedValue { $0[key] = histogram }
        return histogram
    }

    /// One upstream call's duration (for a stream, until its last piece).
    public func recordUpstream(route: String, duration: Duration) {
        histogram(.upstream, route: route).record(duration)
    }

    /// A failed upstream call, by the kind of failure.
    public func recordUpstreamError(code: String) {
        registry.makeCounter(
            descriptor: Self.name("upstream_errors", "total", "Failed upstream calls, by kind."),
            labels: [("code", code), ("release", releaseID)]
        ).increment()
    }

    /// The time until the first generated token reached ModelServe.
    public func recordTimeToFirstToken(route: String, duration: Duration) {
        histogram(.timeToFirstToken, route: route).record(duration)
    }

    public func recordTokensPerSecond(_ rate: Double) {
        tokensPerSecond.record(rate)
    }

    public func recordCache(hit: Bool) {
        (hit ? cacheHits : cacheMisses).increment()
    }

    public func recordAdmission(inFlight: Int, queued: Int) {
        self.inFlight.set(to: Double(inFlight))
        queueDepth.set(to: Double(queued))
    }

    public func recordUpstreamHealth(url: String, healthy: Bool) {
        registry.makeGauge(
            descriptor: Self.name("upstream_healthy", "", "1 when the upstream Ollama passed its last check."),
            labels: [("upstream", url), ("release", releaseID)]
        ).set(to: healthy ? 1 : 0)
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
