import Foundation
import SlipwayCore
import Testing

/// The `haproxy_*` queries over scrapes of HAProxy's Prometheus exporter, as HAProxy 2.6 writes them.
@Suite struct ProxyAnalysisQueryTests {
    static func scrape(greenResponses: (ok: Int, errors: Int), greenConnectionErrors: Int, greenAverage: String) throws -> [PrometheusSample] {
        try PrometheusText.parse("""
            # HELP haproxy_server_http_responses_total Total number of HTTP responses.
            # TYPE haproxy_server_http_responses_total counter
            haproxy_server_http_responses_total{proxy="modelserve",server="blue",code="2xx"} 9000
            haproxy_server_http_responses_total{proxy="modelserve",server="green",code="2xx"} \(greenResponses.ok)
            haproxy_server_http_responses_total{proxy="modelserve",server="blue",code="4xx"} 3
            haproxy_server_http_responses_total{proxy="modelserve",server="green",code="4xx"} 0
            haproxy_server_http_responses_total{proxy="modelserve",server="blue",code="5xx"} 50
            haproxy_server_http_responses_total{proxy="modelserve",server="green",code="5xx"} \(greenResponses.errors)
            haproxy_server_http_responses_total{proxy="other",server="green",code="5xx"} 999
            # TYPE haproxy_server_connection_errors_total counter
            haproxy_server_connection_errors_total{proxy="modelserve",server="blue"} 0
            haproxy_server_connection_errors_total{proxy="modelserve",server="green"} \(greenConnectionErrors)
            # TYPE haproxy_server_response_time_average_seconds gauge
            haproxy_server_response_time_average_seconds{proxy="modelserve",server="blue"} 0.034000
            haproxy_server_response_time_average_seconds{proxy="modelserve",server="green"} \(greenAverage)

            """)
    }

    let green = AnalysisSubject(release: "r2", proxy: "modelserve", server: "green")

    @Test func readsTheProxyQueriesByName() throws {
        #expect(try AnalysisQuery("haproxy_server_error_ratio") == .proxyErrorRatio)
        #expect(try AnalysisQuery("haproxy_server_response_time_average_seconds") == .proxyResponseTime)
        #expect(AnalysisQuery.proxyErrorRatio.source == .proxy)
        #expect(AnalysisQuery.errorRatio.source == .release)
    }

    /// In the window the green server answered 90 (85 2xx, 5 5xx) and failed 10 connections:
    /// 15 of 100 went wrong. The blue server's and another backend's 5xx do not count.
    @Test func errorRatioCountsTheServers5xxAndConnectionErrors() throws {
        let window = MetricsWindow(
            before: try Self.scrape(greenResponses: (100, 2), greenConnectionErrors: 1, greenAverage: "0.010"),
            after: try Self.scrape(greenResponses: (185, 7), greenConnectionErrors: 11, greenAverage: "0.020"),
            seconds: 10
        )
        #expect(AnalysisQuery.proxyErrorRatio.evaluate(over: window, subject: green) == 0.15)
        let blue = AnalysisSubject(release: "r1", proxy: "modelserve", server: "blue")
        #expect(AnalysisQuery.proxyErrorRatio.evaluate(over: window, subject: blue) == nil, "blue answered nothing in the window")
        #expect(AnalysisQuery.proxyResponseTime.evaluate(over: window, subject: green) == 0.02)
    }

    @Test func noTrafficOrNoProxyIsNoData() throws {
        let idle = try Self.scrape(greenResponses: (100, 2), greenConnectionErrors: 1, greenAverage: "0.000")
        let window = MetricsWindow(before: idle, after: idle, seconds: 10)
        #expect(AnalysisQuery.proxyErrorRatio.evaluate(over: window, subject: green) == nil)
        #expect(AnalysisQuery.proxyResponseTime.evaluate(over: window, subject: green) == nil)
        let moving = MetricsWindow(
            before: idle, after: try Self.scrape(greenResponses: (150, 2), greenConnectionErrors: 1, greenAverage: "0.5"), seconds: 10
        )
        #expect(AnalysisQuery.proxyErrorRatio.evaluate(over: moving, subject: AnalysisSubject(release: "r2")) == nil)
    }

    @Test func aSampleMeasuresProxyQueriesOverTheProxyWindowOnly() throws {
        let metric = AnalysisMetric(name: "proxy-errors", query: "haproxy_server_error_ratio", min: nil, max: 0.1)
        let before = try Self.scrape(greenResponses: (100, 2), greenConnectionErrors: 1, greenAverage: "0.01")
        let after = try Self.scrape(greenResponses: (185, 7), greenConnectionErrors: 11, greenAverage: "0.02")
        let proxyWindow = MetricsWindow(before: before, after: after, seconds: 10)
        let releaseWindow = MetricsWindow(before: [], after: [], seconds: 10)
        let sample = AnalysisSample.measure(
            [metric], queries: [.proxyErrorRatio], over: releaseWindow, proxyWindow: proxyWindow, subject: green, index: 1,
            takenAt: .init(timeIntervalSince1970: 0)
        )
        #expect(sample.measurements.first?.value == 0.15)
        #expect(!sample.passed)
        let blind = AnalysisSample.measure(
            [metric], queries: [.proxyErrorRatio], over: releaseWindow, proxyWindow: nil, subject: green, index: 1,
            takenAt: .init(timeIntervalSince1970: 0)
        )
        #expect(blind.measurements.first?.value == nil)
    }
}
