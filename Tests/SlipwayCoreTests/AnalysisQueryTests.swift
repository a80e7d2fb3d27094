import SlipwayCore
import Testing

@Suite struct AnalysisQueryTests {
    func window(seconds: Double = 40) throws -> MetricsWindow {
        MetricsWindow(before: try AnalysisFixtures.before(), after: try AnalysisFixtures.after(), seconds: seconds)
    }

    @Test func readsEveryKnownQuery() throws {
        #expect(try AnalysisQuery("modelserve_error_ratio") == .errorRatio)
        #expect(try AnalysisQuery("modelserve_request_rate") == .requestRate)
        #expect(try AnalysisQuery("modelserve_request_duration_p95_seconds") == .requestDurationQuantile(percentile: 95))
        #expect(try AnalysisQuery("modelserve_request_duration_p50_seconds") == .requestDurationQuantile(percentile: 50))
        for name in AnalysisQuery.known { #expect(try AnalysisQuery(name).name == name) }
    }

    @Test func anUnknownQueryListsTheKnownOnes() {
        #expect {
            try AnalysisQuery("rate(http_requests_total[5m])")
        } throws: { error in
            let text = String(describing: error)
            return text.contains("unknown analysis query \"rate(http_requests_total[5m])\"")
                && text.contains("modelserve_error_ratio") && text.contains("modelserve_request_duration_p99_seconds")
        }
        #expect(throws: AnalysisQueryError.self) { try AnalysisQuery("modelserve_request_duration_p75_seconds") }
    }

    /// 6 of 80 traffic requests were 5xx; a 422 counts as traffic, not as an error; the probe's
    /// 503s and release r0's 500s do not count. Release r0 answered only 500s in the window.
    @Test func errorRatioIsTheShareOf5xxAmongTrafficInTheWindow() throws {
        #expect(AnalysisQuery.errorRatio.evaluate(over: try window(), release: "r1") == 0.075)
        #expect(AnalysisQuery.errorRatio.evaluate(over: try window(), release: "r0") == 1.0)
    }

    /// Δ cumulative buckets [0, 20, 60, 80, 80] at bounds 0.1, 0.25, 0.5, 1, +Inf. p95: rank
    /// 0.95 × 80 = 76 falls in (0.5, 1] holding requests 61…80, so 0.5 + 0.5 × (76 − 60) / 20 = 0.9.
    @Test func p95InterpolatesInsideTheBucketLikeHistogramQuantile() throws {
        let window = try window()
        #expect(AnalysisQuery.requestDurationQuantile(percentile: 95).evaluate(over: window, release: "r1") == 0.9)
        // p50: rank 40 in (0.25, 0.5] holding 21…60: 0.25 + 0.25 × 20 / 40.
        #expect(AnalysisQuery.requestDurationQuantile(percentile: 50).evaluate(over: window, release: "r1") == 0.375)
        // p90: rank 72: 0.5 + 0.5 × 12 / 20.
        #expect(AnalysisQuery.requestDurationQuantile(percentile: 90).evaluate(over: window, release: "r1") == 0.8)
        let p99 = try #require(AnalysisQuery.requestDurationQuantile(percentile: 99).evaluate(over: window, release: "r1"))
        #expect(abs(p99 - 0.98) < 1e-12)
        // Release r0's requests all took longer than 1 s: the answer is the highest finite bound.
        #expect(AnalysisQuery.requestDurationQuantile(percentile: 95).evaluate(over: window, release: "r0") == 1.0)
    }

    @Test func requestRateIsTrafficPerSecondOfTheWindow() throws {
        #expect(AnalysisQuery.requestRate.evaluate(over: try window(seconds: 40), release: "r1") == 2.0)
        #expect(AnalysisQuery.requestRate.evaluate(over: try window(seconds: 0), release: "r1") == nil)
    }

    @Test func noRequestsInTheWindowIsNoDataNotZero() throws {
        let scrape = try AnalysisFixtures.after()
        let idle = MetricsWindow(before: scrape, after: scrape, seconds: 30)
        #expect(AnalysisQuery.errorRatio.evaluate(over: idle, release: "r1") == nil)
        #expect(AnalysisQuery.requestDurationQuantile(percentile: 95).evaluate(over: idle, release: "r1") == nil)
        // A rate of an idle release is a real 0; of a release with no counters at all, no data.
        #expect(AnalysisQuery.requestRate.evaluate(over: idle, release: "r1") == 0)
        #expect(AnalysisQuery.requestRate.evaluate(over: idle, release: "r9") == nil)
        #expect(AnalysisQuery.errorRatio.evaluate(over: try window(), release: "r9") == nil)
    }

    @Test func aCounterThatWentDownWasResetAndCountsFromZero() throws {
        let before = try AnalysisFixtures.samples(
            requests: [.init(route: "generate", status: 200, count: 100), .init(route: "generate", status: 500, count: 50)],
            histograms: []
        )
        let after = try AnalysisFixtures.samples(
            requests: [.init(route: "generate", status: 200, count: 3), .init(route: "generate", status: 500, count: 51)],
            histograms: []
        )
        let window = MetricsWindow(before: before, after: after, seconds: 1)
        #expect(AnalysisQuery.errorRatio.evaluate(over: window, release: "r1") == 0.25)
    }

    @Test func histogramQuantileEdges() {
        // All in the first bucket: interpolated from 0.
        #expect(AnalysisQuery.histogramQuantile(0.95, buckets: [(0.1, 10), (0.2, 10), (.infinity, 10)]) == 0.095)
        // Without a +Inf bucket or without observations there is no answer.
        #expect(AnalysisQuery.histogramQuantile(0.95, buckets: [(0.1, 10), (0.2, 10)]) == nil)
        #expect(AnalysisQuery.histogramQuantile(0.95, buckets: [(0.1, 0), (.infinity, 0)]) == nil)
        // A count that dips below the bucket before it is raised to it.
        #expect(AnalysisQuery.histogramQuantile(0.5, buckets: [(1, 10), (2, 8), (.infinity, 20)]) == 1.0)
    }
}
