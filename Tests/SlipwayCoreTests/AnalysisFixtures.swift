import SlipwayCore

/// Prometheus expositions shaped like ModelServe's `/metrics`, for the analysis tests.
enum AnalysisFixtures {
    /// The histogram bucket bounds of the fixtures (ModelServe has more; the arithmetic is the same).
    static let bounds = ["0.1", "0.25", "0.5", "1.0", "+Inf"]

    struct Requests {
        var route: String
        var status: Int
        var count: Double
        var release = "r1"
    }

    struct Histogram {
        var route: String
        /// Cumulative counts, one per bound of ``AnalysisFixtures/bounds``.
        var counts: [Double]
        var release = "r1"
    }

    /// The exposition text of these counters and histograms.
    static func exposition(requests: [Requests], histograms: [Histogram]) -> String {
        var lines = [
            "# HELP modelserve_requests_total Requests answered, by route and status.",
            "# TYPE modelserve_requests_total counter",
        ]
        for series in requests {
            lines.append(
                #"modelserve_requests_total{route="\#(series.route)",status="\#(series.status)",release="\#(series.release)"} \#(series.count)"#
            )
        }
        lines += [
            "# HELP modelserve_request_duration_seconds Time from request to the end of the answer.",
            "# TYPE modelserve_request_duration_seconds histogram",
        ]
        for histogram in histograms {
            let labels = #"route="\#(histogram.route)",release="\#(histogram.release)""#
            for (bound, count) in zip(bounds, histogram.counts) {
                lines.append(#"modelserve_request_duration_seconds_bucket{\#(labels),le="\#(bound)"} \#(count)"#)
            }
            lines.append("modelserve_request_duration_seconds_sum{\(labels)} 12.5")
            lines.append("modelserve_request_duration_seconds_count{\(labels)} \(histogram.counts.last ?? 0)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The samples of ``exposition(requests:histograms:)``.
    static func samples(requests: [Requests], histograms: [Histogram]) throws -> [PrometheusSample] {
        try PrometheusText.parse(exposition(requests: requests, histograms: histograms))
    }

    /// A first scrape of release r1 (with release r0 beside it).
    static func before() throws -> [PrometheusSample] {
        try samples(
            requests: [
                Requests(route: "generate", status: 200, count: 20),
                Requests(route: "ready", status: 200, count: 5),
                Requests(route: "generate", status: 200, count: 1000, release: "r0"),
            ],
            histograms: [
                Histogram(route: "generate", counts: [10, 20, 20, 20, 20]),
                Histogram(route: "ready", counts: [5, 5, 5, 5, 5]),
                Histogram(route: "generate", counts: [0, 0, 0, 0, 1000], release: "r0"),
            ]
        )
    }

    /// A second scrape: in the window release r1 answered 80 traffic requests, 6 of them 5xx,
    /// with latency buckets (Δ, cumulative) [0, 20, 60, 80, 80] over generate and chat; probes
    /// and release r0 add much more that must not count.
    static func after() throws -> [PrometheusSample] {
        try samples(
            requests: [
                Requests(route: "generate", status: 200, count: 70),
                Requests(route: "generate", status: 502, count: 4),
                Requests(route: "chat", status: 200, count: 20),
                Requests(route: "chat", status: 503, count: 2),
                Requests(route: "embeddings", status: 422, count: 4),
                Requests(route: "ready", status: 200, count: 5),
                Requests(route: "ready", status: 503, count: 100),
                Requests(route: "generate", status: 200, count: 1000, release: "r0"),
                Requests(route: "generate", status: 500, count: 500, release: "r0"),
            ],
            histograms: [
                Histogram(route: "generate", counts: [10, 30, 60, 70, 70]),
                Histogram(route: "chat", counts: [0, 10, 20, 30, 30]),
                Histogram(route: "ready", counts: [5, 5, 5, 5, 105]),
                Histogram(route: "generate", counts: [0, 0, 0, 0, 1500], release: "r0"),
            ]
        )
    }
}
