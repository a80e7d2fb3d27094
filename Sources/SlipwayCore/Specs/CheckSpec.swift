/// A named check, referenced by stages (`checks: [smoke]`) and blue/green previews.
public struct CheckSpec: Sendable, Equatable {
    public var name: String
    public var location: SourceLocation
    public var kind: Kind

    public enum Kind: Sendable, Equatable {
        case smoke(SmokeCheck)
        case drift(DriftCheck)
    }

    public init(name: String, location: SourceLocation, kind: Kind) {
        self.name = name
        self.location = location
        self.kind = kind
    }

    public var kindName: String {
        switch kind {
        case .smoke: return "smoke"
        case .drift: return "drift"
        }
    }
}

/// HTTP requests sent to the release; each must answer as expected within its budget.
public struct SmokeCheck: Sendable, Equatable {
    public var requests: [SmokeRequest]

    public init(requests: [SmokeRequest]) {
        self.requests = requests
    }
}

public struct SmokeRequest: Sendable, Equatable {
    public var name: String
    public var location: SourceLocation
    public var method: String
    public var path: String
    public var headers: [String: String]
    /// A JSON body, kept as the YAML value it was written as.
    public var body: JSONValue?
    public var expectStatus: Int
    /// JSON path (`$.a.b[0]`) → expected value.
    public var expectJSON: [JSONExpectation]
    public var latencyBudget: Duration?

    public init(
        name: String, location: SourceLocation, method: String = "GET", path: String, headers: [String: String] = [:],
        body: JSONValue? = nil, expectStatus: Int = 200, expectJSON: [JSONExpectation] = [], latencyBudget: Duration? = nil
    ) {
        self.name = name
        self.location = location
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.expectStatus = expectStatus
        self.expectJSON = expectJSON
        self.latencyBudget = latencyBudget
    }
}

public struct JSONExpectation: Sendable, Equatable {
    public var path: JSONPath
    public var expected: JSONValue

    public init(path: JSONPath, expected: JSONValue) {
        self.path = path
        self.expected = expected
    }
}

/// Model drift: the same prompts answered by the new and the running release
/// are compared; a divergence above the bound fails the check.
public struct DriftCheck: Sendable, Equatable {
    public var prompts: [String]
    /// 0 (identical) … 1 (nothing in common).
    public var maxDivergence: Double

    public init(prompts: [String], maxDivergence: Double = 0.3) {
        self.prompts = prompts
        self.maxDivergence = maxDivergence
    }
}

/// A metric analysis a canary step can run: each metric is sampled and compared to its bounds.
public struct AnalysisTemplate: Sendable, Equatable {
    public var name: String
    public var location: SourceLocation
    public var interval: Duration
    public var samples: Int
    /// How many failed samples are tolerated before the analysis fails.
    public var failureLimit: Int
    public var metrics: [AnalysisMetric]

    public init(
        name: String, location: SourceLocation, interval: Duration = .seconds(30), samples: Int = 3,
        failureLimit: Int = 0, metrics: [AnalysisMetric]
    ) {
        self.name = name
        self.location = location
        self.interval = interval
        self.samples = samples
        self.failureLimit = failureLimit
        self.metrics = metrics
    }
}

public struct AnalysisMetric: Sendable, Equatable {
    public var name: String
    /// A Prometheus metric name or expression, read from the release's /metrics or a Prometheus server.
    public var query: String
    public var min: Double?
    public var max: Double?

    public init(name: String, query: String, min: Double? = nil, max: Double? = nil) {
        self.name = name
        self.query = query
        self.min = min
        self.max = max
    }
}
