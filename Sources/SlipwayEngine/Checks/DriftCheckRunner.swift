import AsyncHTTPClient
import Foundation
import ModelServeKit
import NIOCore
import NIOFoundationCompat
import SlipwayCore

/// Asks the new release and the release it replaces the drift check's prompts (through
/// ModelServe's `POST /v1/generate`, temperature 0, so answers are deterministic) and measures
/// how far the answers are apart with ``TextDivergence``.
///
/// Both releases are asked each prompt at the same time. A prompt either release cannot answer
/// fails the check: an answer not compared is not a pass.
public struct DriftCheckRunner: Sendable {
    /// How long one answer may take.
    public static let timeout: Duration = .seconds(30)
    /// The most tokens asked for per answer: enough words to compare, little load.
    public static let maxTokens = 64

    let httpClient: HTTPClient
    let headers: [String: String]

    public init(httpClient: HTTPClient = StepServices.httpClient, headers: [String: String] = [:]) {
        self.httpClient = httpClient
        self.headers = headers
    }

    /// Runs `check` against the release at `releaseURL`, compared with the one at `baselineURL`
    /// (nil when nothing runs before it: the answers are recorded, nothing is compared).
    public func run(
        name: String, _ check: DriftCheck, releaseURL: String, baselineURL: String?, now: @Sendable () -> Date = Date.init
    ) async -> DriftCheckResult {
        let startedAt = now()
        var results: [DriftPromptResult] = []
        for prompt in check.prompts {
            async let candidate = answer(prompt, at: releaseURL)
            async let baseline = optionalAnswer(prompt, at: baselineURL)
            let (new, old) = await (candidate, baseline)
            var result = DriftPromptResult(prompt: prompt, baseline: nil, candidate: nil, divergence: nil, error: nil)
            switch new {
            case .success(let text): result.candidate = text
            case .failure(let error): result.error = "the new release did not answer: \(error.description)"
            }
            switch old {
            case .success(let text)?: result.baseline = text
            case .failure(let error)?: result.error = result.error ?? "the running release did not answer: \(error.description)"
            case nil: break
            }
            if let candidate = result.candidate, let baseline = result.baseline {
                result.divergence = TextDivergence.between(baseline, candidate)
            }
            results.append(result)
        }
        return DriftCheckResult(
            name: name, maxDivergence: check.maxDivergence, compared: baselineURL != nil, prompts: results,
            startedAt: startedAt, finishedAt: now()
        )
    }

    func optionalAnswer(_ prompt: String, at baseURL: String?) async -> Result<String, DriftAnswerError>? {
        guard let baseURL else { return nil }
        return await answer(prompt, at: baseURL)
    }

    /// One non-streamed, deterministic generate.
    func answer(_ prompt: String, at baseURL: String) async -> Result<String, DriftAnswerError> {
        let url = SmokeCheckRunner.url(baseURL: baseURL, path: "/v1/generate")
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { request.headers.replaceOrAdd(name: name, value: value) }
        let body: [String: JSONValue] = [
            "prompt": .string(prompt), "temperature": .number(0), "max_tokens": .number(Double(Self.maxTokens)),
            "stream": .bool(false),
        ]
        do {
            request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(JSONValue.object(body))))
            let response = try await httpClient.execute(request, timeout: SmokeCheckRunner.timeAmount(Self.timeout))
            let bytes = try await response.body.collect(upTo: SmokeCheckRunner.maximumBodyBytes)
            guard response.status == .ok else {
                let text = String(buffer: bytes).prefix(300)
                return .failure(DriftAnswerError("POST \(url) answered \(response.status.code): \(text)"))
            }
            let completion = try JSONDecoder().decode(CompletionResponse.self, from: bytes)
            guard let text = completion.response else {
                return .failure(DriftAnswerError("POST \(url) answered without a `response` field"))
            }
            return .success(text)
        } catch let error as DecodingError {
            return .failure(DriftAnswerError("POST \(url) did not answer as ModelServe does: \(error)"))
        } catch {
            return .failure(DriftAnswerError(SmokeCheckRunner.describe(error, method: "POST", url: url, timeout: Self.timeout)))
        }
    }
}

/// Why a release gave no answer to compare.
struct DriftAnswerError: Error, Sendable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
