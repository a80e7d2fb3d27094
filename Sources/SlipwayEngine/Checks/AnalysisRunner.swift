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
    public func run(
        _ template: AnalysisTemplate, metricsURL: String, release: String,
        onSample: @Sendable (AnalysisSample) async -> Void = { _ in }
    ) async throws -> AnalysisResult {
        guard template.samples >= 1 else {
            throw AnalysisRunnerError(
                message: "analysis \(template.name) (\(template.location)) asks for \(template.samples) samples; it needs at least 1"
            )
        }
        let queries: [AnalysisQuery]
        do {
            queries = try template.metrics.map { try AnalysisQuery($0.query) }
        } catch {
            throw AnalysisRunnerError(message: "analysis \(template.name) (\(template.location)): \(error)")
        }
        let startedAt = now()
        var previous = try await scrape(metricsURL)
        var previousAt = now()
        var samples: [AnalysisSample] = []
        var verdict: AnalysisVerdict?
        while verdict == nil {
            try await sleep(template.interval)
            let current = try await scrape(metricsURL)
            let currentAt = now()
            let window = MetricsWindow(
                before: previous, after: current, seconds: currentAt.timeIntervalSince(previousAt)
            )
            let sample = AnalysisSample.measure(
                template.metrics, queries: queries, over: window, release: release, index: samples.count + 1,
                takenAt: currentAt
            )
            samples.append(sample)
            await onSample(sample)
            verdict = AnalysisVerdict.judge(template, samples: samples.map(\.verdict))
            previous = current
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
