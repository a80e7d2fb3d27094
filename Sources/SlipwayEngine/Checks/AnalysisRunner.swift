import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import SlipwayCore

/// Runs an ``AnalysisTemplate`` against one release's `/metrics`: scrapes once, then for each
/// sample waits `interval`, scrapes again and measures every metric over the window between
/// the two scrapes (see ``AnalysisQuery``).
///
/// The run stops as soon as more samples failed than the template's `failureLimit` allows: a
/// bad canary must be rolled back at once, not after the remaining samples.
public struct AnalysisRunner: Sendable {
    /// The most of a `/metrics` answer that is read.
    public static let maximumScrapeBytes = 16 << 20

    let httpClient: HTTPClient
    let scrapeTimeout: Duration
    let sleep: @Sendable (Duration) async throws -> Void
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - sleep: how to wait between samples; tests pass one that drives traffic instead.
    ///   - now: the wall clock; it dates the samples and measures each window's length.
    ///   - scrapeTimeout: the longest one scrape may take. The HTTP client keeps retrying a refused
    ///     connection until then, so this is also how long an absent release takes to report.
    public init(
        httpClient: HTTPClient = .shared,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        now: @escaping @Sendable () -> Date = Date.init, scrapeTimeout: Duration = .seconds(10)
    ) {
        self.httpClient = httpClient
        self.scrapeTimeout = scrapeTimeout
        self.sleep = sleep
        self.now = now
    }

    /// Runs `template` against `metricsURL` (`http://127.0.0.1:8080/metrics`) for the series
    /// labelled `release`, calling `onSample` after every sample (for progress and the ledger).
    ///
    /// - Throws: ``AnalysisRunnerError`` when the template is unusable (an unknown query, no
    ///   samples) or a scrape fails; `CancellationError` when cancelled while waiting.
    ///
    /// `proxy` is where the environment's proxy publishes its metrics and which of its servers
    /// is the release's: the `haproxy_*` queries read it, scraped beside the release.
    public func run(
        _ template: AnalysisTemplate, metricsURL: String, release: String, proxy: ProxyMetrics? = nil,
        onSample: @Sendable (AnalysisSample) async -> Void = { _ in }
    ) async throws -> AnalysisResult {
        guard template.samples >= 1 else {
            throw AnalysisRunnerError(
                message: "analysis \(template.name) (\(template.location)) asks for \(template.samples) samples; it needs at least 1",
                isTemplateProblem: true
            )
        }
        let queries: [AnalysisQuery]
        do {
            queries = try template.metrics.map { try AnalysisQuery($0.query) }
        } catch {
            throw AnalysisRunnerError(message: "analysis \(template.name) (\(template.location)): \(error)", isTemplateProblem: true)
        }
        let readsProxy = queries.contains { $0.source == .proxy }
        if readsProxy && proxy == nil {
            throw AnalysisRunnerError(
                message: "analysis \(template.name) (\(template.location)) reads HAProxy's metrics (haproxy_*), which this environment does not publish",
                isTemplateProblem: true
            )
        }
        let subject = AnalysisSubject(release: release, proxy: proxy?.backend, server: proxy?.server)
        let proxyURL = readsProxy ? proxy?.url : nil
        let startedAt = now()
        var previous = try await scrape(metricsURL)
        var previousProxy = try await proxyURL.asyncMap { try await scrape($0) }
        var previousAt = now()
        var samples: [AnalysisSample] = []
        var verdict: AnalysisVerdict?
        while verdict == nil {
            try await sleep(template.interval)
            let current = try await scrape(metricsURL)
            let currentProxy = try await proxyURL.asyncMap { try await scrape($0) }
            let currentAt = now()
            let seconds = currentAt.timeIntervalSince(previousAt)
            let window = MetricsWindow(before: previous, after: current, seconds: seconds)
            let proxyWindow = both(previousProxy, currentProxy).map { MetricsWindow(before: $0, after: $1, seconds: seconds) }
            let sample = AnalysisSample.measure(
                template.metrics, queries: queries, over: window, proxyWindow: proxyWindow, subject: subject,
                index: samples.count + 1, takenAt: currentAt
            )
            samples.append(sample)
            await onSample(sample)
            verdict = AnalysisVerdict.judge(template, samples: samples.map(\.verdict))
            previous = current
            previousProxy = currentProxy
            previousAt = currentAt
        }
        return AnalysisResult(
            template: template.name, release: release, passed: verdict?.isPassed ?? false, samples: samples,
            failureReason: verdict?.reason, startedAt: startedAt, finishedAt: now()
        )
    }

    /// Reads and parses `metricsURL`.
    func scrape(_ metricsURL: String) async throws -> [PrometheusSample] {
        var request = HTTPClientRequest(url: metricsURL)
        request.headers.add(name: "Accept", value: "text/plain; version=0.0.4")
        let text: String
        do {
            let response = try await httpClient.execute(request, timeout: SmokeCheckRunner.timeAmount(scrapeTimeout))
            let body = try await response.body.collect(upTo: Self.maximumScrapeBytes)
            guard response.status.code == 200 else {
                throw AnalysisRunnerError(
                    message: "scraping \(metricsURL) answered \(response.status.code): \(String(buffer: body).prefix(200))"
                )
            }
            text = String(buffer: body)
        } catch let error as AnalysisRunnerError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw AnalysisRunnerError(
                message: "cannot scrape \(metricsURL): \(error); is the release running and serving /metrics?"
            )
        }
        do {
            return try PrometheusText.parse(text)
        } catch {
            throw AnalysisRunnerError(message: "\(metricsURL) is not Prometheus text: \(error)")
        }
    }
}

/// Where an environment's proxy publishes its Prometheus metrics, and the release's server in it.
public struct ProxyMetrics: Sendable, Equatable {
    /// `http://127.0.0.1:19080/metrics`
    public var url: String
    /// The backend the release's server is in (the `proxy` label).
    public var backend: String
    /// The release's server (the `server` label).
    public var server: String

    public init(url: String, backend: String, server: String) {
        self.url = url
        self.backend = backend
        self.server = server
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

/// Pairs two optionals: both values, or nil.
func both<A, B>(_ first: A?, _ second: B?) -> (A, B)? {
    guard let first, let second else { return nil }
    return (first, second)
}
