import AsyncHTTPClient
import Foundation
import ModelServe
import SlipwayCore
import SlipwayEngine
import SlipwayTestSupport
import Testing

extension CheckRunnerProcesses {
    /// Drift checks between two real model-serve processes in front of one ollama-sim.
    @Suite struct DriftCheckRunnerTests {
        static let check = DriftCheck(prompts: ["What is 2 + 2?", "Summarise: the quick brown fox."], maxDivergence: 0.3)

        /// A sim, a keys file, and model-serve serving `baseline` then `candidate` from it.
        static func withPair(
            baseline: String, candidate: String, modelfile: String? = nil,
            _ body: (CheckServeFixture, CheckServeFixture) async throws -> Void
        ) async throws {
            let scratch = try TemporaryDirectory(prefix: "drift")
            let keysFile = scratch.path("keys.json")
            let key = try APIKeyStore(path: keysFile).create(name: "slipway", scopes: ["*"]).plaintextKey
            try await BackgroundProcess.withProcess(
                executable: try BuiltExecutable.path(named: "ollama-sim"), arguments: ["--port", "0", "--token-delay-ms", "0"]
            ) { sim in
                if let modelfile {
                    _ = try await ModelRollout(httpClient: .shared).run(
                        model: candidate, modelfile: modelfile, endpoints: ["http://127.0.0.1:\(sim.port)"]
                    )
                }
                try await CheckServeFixture.serve(sim: sim, model: baseline, keysFile: keysFile, key: key, release: "old") { old in
                    try await CheckServeFixture.serve(sim: sim, model: candidate, keysFile: keysFile, key: key, release: "new") { new in
                        try await body(old, new)
                    }
                }
            }
        }

        @Test func aModelBuiltFromTheSameBaseAnswersAlikeAndPasses() async throws {
            let candidate = ReleaseModelName.forRelease(specName: "ramsey-model", modelfile: "FROM sim-small\n")
            #expect(candidate.hasPrefix("ramsey-model:") && candidate.count == "ramsey-model:".count + 12)
            try await Self.withPair(baseline: "sim-small", candidate: candidate, modelfile: "FROM sim-small\n") { old, new in
                let clock = FixedDates([Date(timeIntervalSince1970: 10), Date(timeIntervalSince1970: 12)])
                let result = await DriftCheckRunner(headers: new.headers).run(
                    name: "drift", Self.check, releaseURL: new.baseURL, baselineURL: old.baseURL, now: clock.next
                )
                #expect(result.passed, "\(result.failures)")
                #expect(result.compared)
                #expect(result.prompts.map(\.prompt) == Self.check.prompts)
                #expect(result.prompts.allSatisfy { $0.divergence == 0 && $0.baseline == $0.candidate && $0.candidate?.isEmpty == false })
                #expect(result.startedAt == Date(timeIntervalSince1970: 10))
                #expect(result.finishedAt == Date(timeIntervalSince1970: 12))
            }
        }

        @Test func aDifferentModelDivergesAndFailsNamingThePrompt() async throws {
            try await Self.withPair(baseline: "sim-small", candidate: "sim-large") { old, new in
                let result = await DriftCheckRunner(headers: new.headers).run(
                    name: "drift", Self.check, releaseURL: new.baseURL, baselineURL: old.baseURL
                )
                #expect(!result.passed)
                #expect((result.worstDivergence ?? 0) > 0.3)
                #expect(result.failures.first?.hasPrefix("\"What is 2 + 2?\": the answers diverge by") == true)
            }
        }

        @Test func withoutARunningReleaseTheAnswersAreRecordedAndNothingIsCompared() async throws {
            try await CheckServeFixture.with { serve in
                let result = await DriftCheckRunner(headers: serve.headers).run(
                    name: "drift", Self.check, releaseURL: serve.baseURL, baselineURL: nil
                )
                #expect(result.passed)
                #expect(!result.compared)
                #expect(result.prompts.allSatisfy { $0.candidate?.isEmpty == false && $0.baseline == nil && $0.divergence == nil })
            }
        }

        @Test func aReleaseThatRefusesTheKeyOrDoesNotAnswerFailsTheCheck() async throws {
            try await CheckServeFixture.with { serve in
                let refused = await DriftCheckRunner(headers: ["Authorization": "Bearer ms_wrong"]).run(
                    name: "drift", Self.check, releaseURL: serve.baseURL, baselineURL: nil
                )
                #expect(!refused.passed)
                #expect(refused.failures.first?.contains("the new release did not answer: POST \(serve.baseURL)/v1/generate answered 401") == true)
                let closed = try RefusingPort()
                let down = await DriftCheckRunner(httpClient: StepServices.httpClient, headers: serve.headers).run(
                    name: "drift", Self.check, releaseURL: serve.baseURL, baselineURL: "http://127.0.0.1:\(closed.port)"
                )
                #expect(!down.passed)
                #expect(down.prompts.allSatisfy { $0.candidate != nil && $0.error?.hasPrefix("the running release did not answer") == true })
            }
        }
    }
}
