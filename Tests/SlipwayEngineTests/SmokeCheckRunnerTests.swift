import Foundation
import SlipwayCore
import SlipwayEngine
import SlipwayTestSupport
import Testing

extension CheckRunnerProcesses {
    @Suite struct SmokeCheckRunnerTests {
        /// The pipeline's own smoke check: `GET /ready` and a `POST /v1/generate` expecting `$.done`.
        static func pipelineSmokeCheck() throws -> SmokeCheck {
            let check = try #require(try CheckServeFixture.modelServePipeline().check(named: "smoke"))
            guard case .smoke(let smoke) = check.kind else {
                Issue.record("the check smoke is a \(check.kindName) check")
                throw CancellationError()
            }
            return smoke
        }

        /// A runner that records its pauses instead of sleeping.
        static func runner(headers: [String: String], pauses: CheckEvents<Duration>) -> SmokeCheckRunner {
            SmokeCheckRunner(attempts: 3, retryDelay: .milliseconds(250), headers: headers) { await pauses.append($0) }
        }

        @Test func thePipelinesSmokeCheckPassesAgainstAHealthyRelease() async throws {
            let check = try Self.pipelineSmokeCheck()
            #expect(check.requests.map(\.name) == ["ready", "generate"])
            try await CheckServeFixture.with { serve in
                let pauses = CheckEvents<Duration>()
                let clock = FixedDates([Date(timeIntervalSince1970: 100), Date(timeIntervalSince1970: 107)])
                let result = await Self.runner(headers: serve.headers, pauses: pauses)
                    .run(name: "smoke", check, baseURL: serve.baseURL + "/", now: clock.next)
                #expect(result.passed, "\(result.failureSummary)\n\(serve.server.output)")
                #expect(result.name == "smoke")
                #expect(result.requests.map(\.name) == ["ready", "generate"])
                #expect(result.requests.map(\.method) == ["GET", "POST"])
                #expect(result.requests.map(\.status) == [200, 200])
                #expect(result.requests.map(\.attempts) == [1, 1])
                #expect(result.requests.allSatisfy { $0.mismatches.isEmpty && $0.error == nil && $0.passed })
                #expect(result.requests.allSatisfy { $0.latencyMilliseconds > 0 })
                #expect(result.startedAt == Date(timeIntervalSince1970: 100))
                #expect(result.finishedAt == Date(timeIntervalSince1970: 107))
                #expect(await pauses.all.isEmpty)
            }
        }

        @Test func aWrongExpectedStatusIsRetriedAndReported() async throws {
            var check = try Self.pipelineSmokeCheck()
            check.requests[0].expectStatus = 204
            try await CheckServeFixture.with { serve in
                let pauses = CheckEvents<Duration>()
                let result = await Self.runner(headers: serve.headers, pauses: pauses)
                    .run(name: "smoke", check, baseURL: serve.baseURL)
                #expect(!result.passed)
                let ready = try #require(result.requests.first)
                #expect(ready.status == 200)
                #expect(ready.attempts == 3)
                #expect(ready.mismatches == ["status 200, expected 204"])
                #expect(!ready.passed)
                // The next request still ran, and passed.
                #expect(result.requests.last?.passed == true)
                #expect(await pauses.all == [.milliseconds(250), .milliseconds(250)])
                #expect(result.failureSummary == "ready (GET /ready, 3 attempt(s)): status 200, expected 204")
            }
        }

        @Test func aJSONExpectationThatDoesNotHoldNamesPathExpectedAndActual() async throws {
            var check = try Self.pipelineSmokeCheck()
            let generate = try #require(check.requests.last)
            check.requests = [generate]
            check.requests[0].expectJSON = [
                JSONExpectation(path: try #require(JSONPath("$.done")), expected: .bool(false)),
                JSONExpectation(path: try #require(JSONPath("$.model")), expected: .string("sim-large:latest")),
                JSONExpectation(path: try #require(JSONPath("$.choices[0].text")), expected: .string("hello")),
                JSONExpectation(path: try #require(JSONPath("$.usage.completion_tokens")), expected: .number(16)),
            ]
            try await CheckServeFixture.with { serve in
                let pauses = CheckEvents<Duration>()
                let result = await Self.runner(headers: serve.headers, pauses: pauses)
                    .run(name: "smoke", check, baseURL: serve.baseURL)
                let answer = try #require(result.requests.first)
                #expect(!result.passed)
                #expect(answer.status == 200)
                #expect(answer.attempts == 3)
                #expect(answer.mismatches == [
                    "$.done is true, expected false",
                    "$.model is \"sim-small:latest\", expected \"sim-large:latest\"",
                    "$.choices[0].text is absent, expected \"hello\"",
                ])
            }
        }

        @Test func withoutTheKeyTheStatusIsWrong() async throws {
            let check = try Self.pipelineSmokeCheck()
            try await CheckServeFixture.with { serve in
                let pauses = CheckEvents<Duration>()
                let result = await Self.runner(headers: [:], pauses: pauses).run(name: "smoke", check, baseURL: serve.baseURL)
                #expect(result.requests.map(\.passed) == [true, false])
                #expect(result.requests.last?.mismatches.first == "status 401, expected 200")
            }
        }

        @Test func aReleaseThatIsNotThereFailsAfterEveryAttempt() async throws {
            var check = try Self.pipelineSmokeCheck()
            // Short budgets, so the client gives up on the refused connection soon.
            for index in check.requests.indices { check.requests[index].latencyBudget = .milliseconds(100) }
            let refusing = try RefusingPort()
            let pauses = CheckEvents<Duration>()
            let result = await Self.runner(headers: [:], pauses: pauses)
                .run(name: "smoke", check, baseURL: "http://127.0.0.1:\(refusing.port)")
            #expect(!result.passed)
            #expect(result.requests.count == 2)
            for request in result.requests {
                #expect(request.status == nil)
                #expect(request.attempts == 3)
                #expect(request.mismatches.isEmpty)
                #expect(!request.passed)
                let error = try #require(request.error)
                #expect(error.contains("http://127.0.0.1:\(refusing.port)\(request.path) failed"))
                #expect(error.contains("is the release running"))
            }
            #expect(await pauses.all.count == 4)
        }

        @Test func aCancelledPauseStopsRetrying() async throws {
            var check = try Self.pipelineSmokeCheck()
            check.requests = [check.requests[0]]
            check.requests[0].latencyBudget = .milliseconds(100)
            let refusing = try RefusingPort()
            let runner = SmokeCheckRunner(attempts: 5) { _ in throw CancellationError() }
            let result = await runner.run(name: "smoke", check, baseURL: "http://127.0.0.1:\(refusing.port)")
            #expect(result.requests.first?.attempts == 1)
            #expect(result.requests.first?.error?.contains("stopped retrying") == true)
        }
    }
}

/// Hands out the given dates in turn, then the last one again.
final class FixedDates: @unchecked Sendable {
    private let dates: [Date]
    private let lock = NSLock()
    private var index = 0

    init(_ dates: [Date]) {
        self.dates = dates
    }

    @Sendable func next() -> Date {
        lock.lock()
        defer { lock.unlock() }
        let date = dates[min(index, dates.count - 1)]
        index += 1
        return date
    }
}
