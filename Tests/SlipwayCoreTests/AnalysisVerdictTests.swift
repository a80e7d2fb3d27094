import SlipwayCore
import Testing

@Suite struct AnalysisVerdictTests {
    static let location = SourceLocation(file: "pipelines/model-serve.yaml", line: 44, column: 5)
    static let errorRate = AnalysisMetric(name: "error-rate", query: "modelserve_error_ratio", max: 0.01)
    static let traffic = AnalysisMetric(name: "traffic", query: "modelserve_request_rate", min: 1, max: 100)

    static func template(samples: Int = 4, failureLimit: Int = 1) -> AnalysisTemplate {
        AnalysisTemplate(
            name: "error-and-latency", location: location, samples: samples, failureLimit: failureLimit,
            metrics: [errorRate]
        )
    }

    @Test func aValueWithinTheBoundsPassesAndTheBoundsAreInclusive() {
        #expect(AnalysisVerdict.judge(Self.errorRate, value: 0) == .passed)
        #expect(AnalysisVerdict.judge(Self.errorRate, value: 0.01) == .passed)
        #expect(AnalysisVerdict.judge(Self.traffic, value: 1) == .passed)
        #expect(AnalysisVerdict.judge(Self.traffic, value: 100) == .passed)
    }

    @Test func aValueOutsideTheBoundsFailsSayingWhich() {
        #expect(
            AnalysisVerdict.judge(Self.errorRate, value: 0.075)
                == .failed(reason: "error-rate (modelserve_error_ratio) is 0.075, above the maximum 0.01")
        )
        #expect(
            AnalysisVerdict.judge(Self.traffic, value: 0.5)
                == .failed(reason: "traffic (modelserve_request_rate) is 0.5, below the minimum 1")
        )
    }

    @Test func noDataIsInconclusive() {
        let verdict = AnalysisVerdict.judge(Self.errorRate, value: nil)
        #expect(verdict == .inconclusive(
            reason: "error-rate (modelserve_error_ratio) has no data: no requests were answered in the window"
        ))
        #expect(!verdict.isPassed)
        #expect(AnalysisVerdict.judge(Self.errorRate, value: .nan).reason?.contains("not a number") == true)
    }

    @Test func aSampleFailsWithItsFirstFailingMetric() {
        #expect(AnalysisVerdict.judge(sample: [.passed, .passed]) == .passed)
        #expect(
            AnalysisVerdict.judge(sample: [.passed, .inconclusive(reason: "a"), .failed(reason: "b")])
                == .inconclusive(reason: "a")
        )
    }

    @Test func aRunIsUndecidedUntilAllSamplesPassed() {
        let template = Self.template(samples: 3, failureLimit: 1)
        #expect(AnalysisVerdict.judge(template, samples: []) == nil)
        #expect(AnalysisVerdict.judge(template, samples: [.passed, .failed(reason: "x")]) == nil)
        #expect(AnalysisVerdict.judge(template, samples: [.passed, .failed(reason: "x"), .passed]) == .passed)
    }

    @Test func aRunFailsAsSoonAsFailuresExceedTheLimit() {
        let template = Self.template(samples: 4, failureLimit: 1)
        let verdict = AnalysisVerdict.judge(template, samples: [.failed(reason: "error-rate is 1"), .failed(reason: "second")])
        #expect(verdict == .failed(
            reason: "analysis error-and-latency: 2 of 2 samples failed, more than its failureLimit of 1; first: error-rate is 1"
        ))
    }

    @Test func inconclusiveSamplesCountAsFailed() {
        let template = Self.template(samples: 2, failureLimit: 0)
        let verdict = AnalysisVerdict.judge(template, samples: [.inconclusive(reason: "no data")])
        #expect(verdict?.isPassed == false)
        #expect(verdict?.reason?.hasSuffix("first: no data") == true)
    }

    @Test func aSampleMeasuresEveryMetric() throws {
        let window = MetricsWindow(before: try AnalysisFixtures.before(), after: try AnalysisFixtures.after(), seconds: 40)
        let metrics = [
            Self.errorRate,
            AnalysisMetric(name: "p95-latency-seconds", query: "modelserve_request_duration_p95_seconds", max: 2.5),
        ]
        let sample = AnalysisSample.measure(
            metrics, queries: try metrics.map { try AnalysisQuery($0.query) }, over: window, release: "r1", index: 1,
            takenAt: .init(timeIntervalSince1970: 0)
        )
        #expect(sample.measurements.map(\.value) == [0.075, 0.9])
        #expect(sample.measurements.map(\.verdict.isPassed) == [false, true])
        #expect(!sample.passed)
        #expect(sample.verdict.reason == "error-rate (modelserve_error_ratio) is 0.075, above the maximum 0.01")
    }
}
