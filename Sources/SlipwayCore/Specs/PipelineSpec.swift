/// `kind: Pipeline`: what is released, how it is built and scanned, and the
/// stages it is promoted through, in order.
public struct PipelineSpec: Sendable, Equatable {
    public var metadata: SpecMetadata
    public var location: SourceLocation
    public var source: SourceFilter
    public var build: [BuildStep]
    public var scan: [ScanEntry]
    public var model: ModelSpec?
    public var checks: [CheckSpec]
    public var analyses: [AnalysisTemplate]
    public var stages: [StageSpec]

    public var name: String { metadata.name }

    public init(
        metadata: SpecMetadata, location: SourceLocation, source: SourceFilter, build: [BuildStep] = [],
        scan: [ScanEntry] = [], model: ModelSpec? = nil, checks: [CheckSpec] = [],
        analyses: [AnalysisTemplate] = [], stages: [StageSpec]
    ) {
        self.metadata = metadata
        self.location = location
        self.source = source
        self.build = build
        self.scan = scan
        self.model = model
        self.checks = checks
        self.analyses = analyses
        self.stages = stages
    }

    public func check(named name: String) -> CheckSpec? { checks.first { $0.name == name } }
    public func analysis(named name: String) -> AnalysisTemplate? { analyses.first { $0.name == name } }
    public func stage(for environment: String) -> StageSpec? { stages.first { $0.environment == environment } }
}

/// `source:`: which branch triggers the pipeline, and which paths must change.
public struct SourceFilter: Sendable, Equatable {
    public var branch: String
    /// Glob patterns (`**` crosses directories); empty means any change triggers.
    public var paths: [String]
    /// How often `slipway watch` polls the branch when no webhook arrives.
    public var pollInterval: Duration

    public init(branch: String = "main", paths: [String] = [], pollInterval: Duration = .seconds(60)) {
        self.branch = branch
        self.paths = paths
        self.pollInterval = pollInterval
    }

    /// Whether a change to `path` (relative to the repository root) triggers the pipeline.
    public func matches(path: String) -> Bool {
        paths.isEmpty || paths.contains { PathGlob.matches(pattern: $0, path: path) }
    }
}

/// One `build:` step: a command run in a checkout of the commit.
public struct BuildStep: Sendable, Equatable {
    public var name: String
    public var location: SourceLocation
    public var run: [String]
    public var env: [String: String]
    public var workingDirectory: String?
    public var timeout: Duration
    /// Artifact name → path relative to the checkout.
    public var produces: [String: String]
    /// Paths kept between runs of the same pipeline, as CI caches are.
    public var cache: [String]

    public init(
        name: String, location: SourceLocation, run: [String], env: [String: String] = [:],
        workingDirectory: String? = nil, timeout: Duration = .seconds(1800),
        produces: [String: String] = [:], cache: [String] = []
    ) {
        self.name = name
        self.location = location
        self.run = run
        self.env = env
        self.workingDirectory = workingDirectory
        self.timeout = timeout
        self.produces = produces
        self.cache = cache
    }
}

/// `model:`: the Ollama model released together with the service.
public struct ModelSpec: Sendable, Equatable {
    /// The Ollama model name, e.g. `llama3.2:1b` or `ramsey-model`.
    public var name: String
    /// A Modelfile in the repository to create the model from; nil to pull `name`.
    public var modelfile: String?

    public init(name: String, modelfile: String? = nil) {
        self.name = name
        self.modelfile = modelfile
    }
}
