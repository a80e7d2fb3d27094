import Testing

@testable import ModelServe

/// The metrics: every series carries the release id, and the text exposition shows what was recorded.
@Suite struct ServeMetricsTests {
    /// The sample lines of `name` (exact metric name) whose labels include every one of `labels`.
    static func samples(_ text: String, _ name: String, _ labels: [String] = []) -> [Double] {
        text.split(separator: "\n").compactMap { line -> Double? in
            guard !line.hasPrefix("#"), line.hasPrefix(name + "{") || line.hasPrefix(name + " ") else { return nil }
            guard labels.allSatisfy({ line.contains($0) }) else { return nil }
            return line.split(separator: " ").last.flatMap { Double($0) }
        }
    }

    static func exposition(_ metrics: ServeMetrics) -> String {
        String(decoding: metrics.exposition(), as: UTF8.self)
    }

    @Test func requestsAreCountedByRouteStatusAndRelease() {
        let metrics = ServeMetrics(releaseID: "rel-42")
        metrics.recordRequest(route: "generate", status: 200, duration: .milliseconds(12))
        metrics.recordRequest(route: "generate", status: 200, duration: .milliseconds(30))
        metrics.recordRequest(route: "generate", status: 422, duration: .milliseconds(1))
        metrics.recordRequest(route: "chat", status: 200, duration: .milliseconds(5))
        let text = Self.exposition(metrics)

        #expect(text.contains("modelserve_requests_total{"))
        let line = text.split(separator: "\n").first {
            $0.hasPrefix("modelserve_requests_total{") && $0.contains(#"route="generate""#) && $0.contains(#"status="200""#)
        }
        #expect(line?.contains(#"release="rel-42""#) == true)
        #expect(Self.samples(text, "modelserve_requests_total", [#"route="generate""#, #"status="200""#, #"release="rel-42""#]) == [2])
        #expect(Self.samples(text, "modelserve_requests_total", [#"route="generate""#, #"status="422""#]) == [1])
        #expect(Self.samples(text, "modelserve_requests_total", [#"route="chat""#, #"status="200""#]) == [1])
        // The latency histogram by route: three generate observations.
        #expect(Self.samples(text, "modelserve_request_duration_seconds_count", [#"route="generate""#, #"release="rel-42""#]) == [3])
    }

    @Test func cacheHitsAndMissesAreCounted() {
        let metrics = ServeMetrics(releaseID: "rel-42")
        metrics.recordCache(hit: true)
        metrics.recordCache(hit: true)
        metrics.recordCache(hit: false)
        let text = Self.exposition(metrics)
        #expect(Self.samples(text, "modelserve_cache_hits_total", [#"release="rel-42""#]) == [2])
        #expect(Self.samples(text, "modelserve_cache_misses_total", [#"release="rel-42""#]) == [1])
    }

    @Test func countersExistAtZeroBeforeAnyRequest() {
        let text = Self.exposition(ServeMetrics(releaseID: "fresh"))
        #expect(Self.samples(text, "modelserve_cache_hits_total", [#"release="fresh""#]) == [0])
        #expect(Self.samples(text, "modelserve_cache_misses_total", [#"release="fresh""#]) == [0])
        #expect(Self.samples(text, "modelserve_queue_depth", [#"release="fresh""#]) == [0])
    }

    @Test func admissionGaugesShowTheLatestValues() {
        let metrics = ServeMetrics(releaseID: "rel-42")
        metrics.recordAdmission(inFlight: 5, queued: 9)
        metrics.recordAdmission(inFlight: 3, queued: 2)
        let text = Self.exposition(metrics)
        #expect(Self.samples(text, "modelserve_upstream_in_flight", [#"release="rel-42""#]) == [3])
        #expect(Self.samples(text, "modelserve_queue_depth", [#"release="rel-42""#]) == [2])
    }

    @Test func upstreamHealthIsAGaugePerURL() {
        let metrics = ServeMetrics(releaseID: "rel-42")
        metrics.recordUpstreamHealth(url: "http://a:11434", healthy: true)
        metrics.recordUpstreamHealth(url: "http://b:11434", healthy: true)
        metrics.recordUpstreamHealth(url: "http://b:11434", healthy: false)
        let text = Self.exposition(metrics)
        #expect(Self.samples(text, "modelserve_upstream_healthy", [#"upstream="http://a:11434""#, #"release="rel-42""#]) == [1])
        #expect(Self.samples(text, "modelserve_upstream_healthy", [#"upstream="http://b:11434""#, #"release="rel-42""#]) == [0])
    }

    @Test func upstreamErrorsAreCountedByCode() {
        let metrics = ServeMetrics(releaseID: "rel-42")
        metrics.recordUpstreamError(code: "connection_failed")
        metrics.recordUpstreamError(code: "connection_failed")
        metrics.recordUpstreamError(code: "server_busy")
        let text = Self.exposition(metrics)
        #expect(Self.samples(text, "modelserve_upstream_errors_total", [#"code="connection_failed""#]) == [2])
        #expect(Self.samples(text, "modelserve_upstream_errors_total", [#"code="server_busy""#]) == [1])
    }

    @Test func twoReleasesInOneProcessKeepSeparateRegistries() {
        let old = ServeMetrics(releaseID: "old")
        let new = ServeMetrics(releaseID: "new")
        old.recordCache(hit: true)
        let newText = Self.exposition(new)
        #expect(!newText.contains(#"release="old""#))
        #expect(Self.samples(newText, "modelserve_cache_hits_total") == [0])
    }
}
