import Prometheus
import SlipwayLedger

/// `slipway serve`'s Prometheus metrics, in the server's own registry (not the global
/// `MetricsSystem`), so `/metrics` shows exactly these and tests can start several servers.
///
/// | metric | type | labels | what it counts |
/// |---|---|---|---|
/// | `slipway_webhook_deliveries_total` | counter | `provider`, `outcome` | deliveries answered: `triggered`, `ignored`, `pong`, `duplicate`, `unauthorized`, `malformed`, `too_large`, `not_configured`, `error` |
/// | `slipway_http_requests_total` | counter | `route`, `status` | every answer |
/// | `slipway_http_request_duration_seconds` | histogram | `route` | time to answer |
/// | `slipway_runs_started_total` | counter | `resumed` | runs this process started (`false`) or took up again (`true`) |
/// | `slipway_promotions_total` | counter | `environment`, `result` | promotions this process drove to an end, by final status (`succeeded`, `failed`, `rolled_back`, `superseded`, `aborted`) |
/// | `slipway_gate_wait_seconds` | histogram | `environment` | from a gate step's start to its passing, from the ledger's step times |
/// | `slipway_step_duration_seconds` | histogram | `kind`, `environment`, `status` | promotion steps from the ledger's start and finish times (a step resumed after a restart counts from its first start); build steps (`kind="build"`, `environment=""`) as the build timed them |
///
/// The run, promotion, gate and step metrics count what this process drove since it started
/// (runs made by `slipway run` elsewhere are not in them); the ledger keeps the whole history.
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
    ]
    static let stepBuckets: [Duration] = [
        .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30),
        .seconds(60), .seconds(120), .seconds(300), .seconds(600), .seconds(1800), .seconds(3600),
    ]
    static let gateBuckets: [Duration] = [
        .seconds(1), .seconds(5), .seconds(15), .seconds(60), .seconds(300), .seconds(900), .seconds(1800),
        .seconds(3600), .seconds(4 * 3600), .seconds(12 * 3600), .seconds(24 * 3600), .seconds(72 * 3600),
    ]

    /// Every outcome a delivery can have, so each series exists (at 0) from the start.
    static let deliveryOutcomes = WebhookDelivery.Outcome.allCases.map(\.rawValue)
        + ["duplicate", "unauthorized", "malformed", "too_large", "not_configured", "error"]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        for provider in WebhookDelivery.Provider.allCases {
            for outcome in Self.deliveryOutcomes { _ = deliveries(provider: provider.rawValue, outcome: outcome) }
        }
        for resumed in ["false", "true"] { _ = runsStarted(resumed: resumed) }
    }

    static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "slipway", metricName: metric, unitName: unit, helpText: help)
    }

    private func deliveries(provider: String, outcome: String) -> Counter {
        registry.makeCounter(
            descriptor: Self.name("webhook_deliveries", "total", "Webhook deliveries answered, by provider and outcome."),
            labels: [("provider", provider), ("outcome", outcome)]
        )
    }

    private func runsStarted(resumed: String) -> Counter {
        registry.makeCounter(
            descriptor: Self.name("runs_started", "total", "Runs this process started (resumed=false) or took up again (resumed=true)."),
            labels: [("resumed", resumed)]
        )
    }

    /// One delivery answered.
    public func recordDelivery(provider: WebhookDelivery.Provider, outcome: String) {
        deliveries(provider: provider.rawValue, outcome: outcome).increment()
    }

    /// One answered request, by route (the route's pattern, not the requested path) and status.
    public func recordRequest(route: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.name("http_requests", "total", "HTTP requests answered, by route and status."),
            labels: [("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.name("http_request_duration", "seconds", "Time from request to answer, by route."),
            labels: [("route", route)], buckets: Self.latencyBuckets
        ).record(duration)
    }

    public func recordRunStarted(resumed: Bool) {
        runsStarted(resumed: String(resumed)).increment()
    }

    public func recordPromotionFinished(environment: String, result: String) {
        registry.makeCounter(
            descriptor: Self.name("promotions", "total", "Promotions this process drove to an end, by environment and result."),
            labels: [("environment", environment), ("result", result)]
        ).increment()
    }

    public func recordGateWait(environment: String, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: Self.name("gate_wait", "seconds", "Time from a gate step's start to its passing."),
            labels: [("environment", environment)], buckets: Self.gateBuckets
        ).record(duration)
    }

    public func recordStep(kind: String, environment: String, status: String, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: Self.name("step_duration", "seconds", "Duration of build and promotion steps, by kind, environment and status."),
            labels: [("kind", kind), ("environment", environment), ("status", status)], buckets: Self.stepBuckets
        ).record(duration)
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
