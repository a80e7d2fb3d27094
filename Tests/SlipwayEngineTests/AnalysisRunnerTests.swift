import Foundation
import SlipwayCore
import SlipwayEngine
import SlipwayTestSupport
import Testing

extension CheckRunnerProcesses {
    @Suite struct AnalysisRunnerTests {
        /// The pipeline's `error-and-latency`: 4 samples 30 s apart, at most 1 failed, error
        /// ratio ≤ 0.01 and p95 ≤ 2.5 s — its ModelServe metrics only: these tests run model-serve
        /// without HAProxy (the HAProxy metric is measured in the promotion driver's canary test).
        static func pipelineAnalysis() throws -> AnalysisTemplate {
            var template = try #require(try CheckServeFixture.modelServePipeline().analysis(named: "error-and-latency"))
            template.metrics.removeAll { $0.query.hasPrefix("haproxy_") }
            return template
        }

        @Test func aTemplateReadingHAProxyWithoutAProxyIsRefusedBeforeAnySample() async throws {
            let template = try #require(try CheckServeFixture.modelServePipeline().analysis(named: "error-and-latency"))
            #expect(template.metrics.contains { $0.query == "haproxy_server_error_ratio" })
            await #expect {
                _ = try await AnalysisRunner(sleep: { _ in Issue.record("a sample was taken") })
                    .run(template, metricsURL: "http://127.0.0.1:1/metrics", release: "r")
            } throws: { error in
                "\(error)".contains("reads HAProxy's metrics (haproxy_*), which this environment does not publish")
            }
        }

        /// A runner whose pauses send `requests` generate requests instead of sleeping, and record
        /// the pause asked for and the statuses.
        static func runner(
            _ serve: CheckServeFixture, requests: Int, pauses: CheckEvents<Duration>, statuses: CheckEvents<Int>
        ) -> AnalysisRunner {
            AnalysisRunner(sleep: { interval in
                await pauses.append(interval)
                for status in try await serve.generate(count: requests) { await statuses.append(status) }
            })
        }

        @Test func anErroringReleaseFailsTheAnalysisEarly() async throws {
            let template = try Self.pipelineAnalysis()
            #expect(template.samples == 4 && template.failureLimit == 1)
            try await CheckServeFixture.with(sim: ["--error-rate", "sim-small=1"], release: "rel-bad") { serve in
                let pauses = CheckEvents<Duration>()
                let statuses = CheckEvents<Int>()
                let reported = CheckEvents<AnalysisSample>()
                let result = try await Self.runner(serve, requests: 4, pauses: pauses, statuses: statuses).run(
                    template, metricsURL: serve.metricsURL, release: serve.release, onSample: { await reported.append($0) }
                )
                #expect(!result.passed)
                #expect(result.template == "error-and-latency")
                #expect(result.release == "rel-bad")
                // Failures exceeded the limit of 1 at the second sample: samples 3 and 4 were never taken.
                #expect(result.samples.count == 2)
                #expect(await pauses.all == [.seconds(30), .seconds(30)])
                #expect(await reported.all == result.samples)
                #expect(await statuses.all.allSatisfy { $0 >= 500 })
                for sample in result.samples {
                    let errorRate = try #require(sample.measurements.first)
                    #expect(errorRate.metric == "error-rate")
                    #expect(errorRate.value == 1.0)
                    #expect(!errorRate.verdict.isPassed)
                }
                #expect(result.samples.map(\.index) == [1, 2])
                let reason = try #require(result.failureReason)
                #expect(reason.hasPrefix("analysis error-and-latency: 2 of 2 samples failed, more than its failureLimit of 1"))
                #expect(reason.contains("error-rate (modelserve_error_ratio) is 1, above the maximum 0.01"))
                // The evidence goes to the ledger as JSON and comes back the same.
                let decoded = try JSONDecoder().decode(AnalysisResult.self, from: try JSONEncoder().encode(result))
                #expect(decoded == result)
            }
        }

        @Test func aHealthyReleasePassesAndAnIdleOneIsInconclusive() async throws {
            let template = try Self.pipelineAnalysis()
            try await CheckServeFixture.with(release: "rel-good") { serve in
                let pauses = CheckEvents<Duration>()
                let statuses = CheckEvents<Int>()
                let result = try await Self.runner(serve, requests: 3, pauses: pauses, statuses: statuses)
                    .run(template, metricsURL: serve.metricsURL, release: serve.release)
                #expect(result.passed, "\(result.failureReason ?? "")")
                #expect(result.failureReason == nil)
                #expect(result.samples.count == 4)
                #expect(await pauses.all == Array(repeating: .seconds(30), count: 4))
                #expect(await statuses.all == Array(repeating: 200, count: 12))
                for sample in result.samples {
                    #expect(sample.passed)
                    #expect(sample.measurements.map(\.metric) == ["error-rate", "p95-latency-seconds"])
                    #expect(sample.measurements[0].value == 0)
                    let p95 = try #require(sample.measurements[1].value)
                    #expect(p95 > 0 && p95 <= 2.5)
                    #expect(sample.windowSeconds > 0)
                }

                // Without traffic between the scrapes there is nothing to judge: inconclusive,
                // which counts as failed.
                let idle = AnalysisRunner(sleep: { _ in })
                let quiet = try await idle.run(
                    AnalysisTemplate(
                        name: "quiet", location: template.location, samples: 3, failureLimit: 0, metrics: template.metrics
                    ),
                    metricsURL: serve.metricsURL, release: serve.release
                )
                #expect(!quiet.passed)
                #expect(quiet.samples.count == 1)
                #expect(quiet.samples.first?.measurements.map(\.value) == [nil, nil])
                #expect(quiet.failureReason?.contains("has no data: no requests were answered in the window") == true)

                // A request rate is measured over the seconds between the scrapes.
                let rate = try await Self.runner(serve, requests: 2, pauses: pauses, statuses: statuses).run(
                    AnalysisTemplate(
                        name: "rate", location: template.location, samples: 1,
                        metrics: [AnalysisMetric(name: "traffic", query: "modelserve_request_rate", min: 0.001)]
                    ),
                    metricsURL: serve.metricsURL, release: serve.release
                )
                #expect(rate.passed, "\(rate.failureReason ?? "")")
                let sample = try #require(rate.samples.first)
                let measured = try #require(sample.measurements.first?.value)
                #expect(abs(measured - 2 / sample.windowSeconds) < 1e-9)
            }
        }

        @Test func anUnknownQueryIsRefusedBeforeAnyScrape() async throws {
            let template = AnalysisTemplate(
                name: "typo", location: SourceLocation(file: "pipelines/x.yaml", line: 3, column: 5),
                metrics: [AnalysisMetric(name: "errors", query: "modelserve_errors", max: 0)]
            )
            let refusing = try RefusingPort()
            await #expect {
                try await AnalysisRunner(sleep: { _ in }).run(
                    template, metricsURL: "http://127.0.0.1:\(refusing.port)/metrics", release: "r"
                )
            } throws: { error in
                let text = String(describing: error)
                return text.contains("analysis typo (pipelines/x.yaml:3:5)") && text.contains("\"modelserve_errors\"")
                    && text.contains("modelserve_error_ratio")
            }
        }

        @Test func anUnreachableMetricsEndpointIsAnError() async throws {
            let refusing = try RefusingPort()
            let url = "http://127.0.0.1:\(refusing.port)/metrics"
            await #expect {
                try await AnalysisRunner(sleep: { _ in }, scrapeTimeout: .milliseconds(300))
                    .run(try Self.pipelineAnalysis(), metricsURL: url, release: "r")
            } throws: { error in
                String(describing: error).hasPrefix("cannot scrape \(url): ")
            }
        }
    }
}
