import Foundation

/// What one request of a smoke check came to, kept in the ledger as evidence.
public struct SmokeRequestResult: Sendable, Equatable, Codable {
    /// The request's name in the check.
    public var name: String
    public var method: String
    public var path: String
    /// The status of the last attempt's answer, or nil when no answer came (connection refused,
    /// timeout).
    public var status: Int?
    /// How long the last attempt took.
    public var latencyMilliseconds: Double
    /// How many times the request was sent (it is retried while it fails).
    public var attempts: Int
    /// How the last answer fell short of the expectations (see ``SmokeEvaluation``).
    public var mismatches: [String]
    /// Why the last attempt got no answer, when it got none.
    public var error: String?
    /// Whether the last attempt was answered as expected.
    public var passed: Bool

    public init(
        name: String, method: String, path: String, status: Int?, latencyMilliseconds: Double, attempts: Int,
        mismatches: [String], error: String?, passed: Bool
    ) {
        self.name = name
        self.method = method
        self.path = path
        self.status = status
        self.latencyMilliseconds = latencyMilliseconds
        self.attempts = attempts
        self.mismatches = mismatches
        self.error = error
        self.passed = passed
    }
}

/// What a whole smoke check came to: it passed when every request did.
public struct SmokeCheckResult: Sendable, Equatable, Codable {
    /// The check's name in the pipeline (`smoke`).
    public var name: String
    public var passed: Bool
    /// Every request, in the order they were sent.
    public var requests: [SmokeRequestResult]
    public var startedAt: Date
    public var finishedAt: Date

    public init(name: String, passed: Bool, requests: [SmokeRequestResult], startedAt: Date, finishedAt: Date) {
        self.name = name
        self.passed = passed
        self.requests = requests
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    /// One line per failed request, e.g. `generate: status 500, expected 200`, for a step's
    /// failure reason.
    public var failureSummary: String {
        requests.filter { !$0.passed }.map { request in
            let problems = request.mismatches + (request.error.map { [$0] } ?? [])
            return "\(request.name) (\(request.method) \(request.path), \(request.attempts) attempt(s)): "
                + problems.joined(separator: "; ")
        }.joined(separator: "\n")
    }
}
