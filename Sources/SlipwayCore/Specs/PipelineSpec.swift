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

/// One `build:` step: a command run in a checkout of the commit (`run:`), or an OCI image built
/// from a Containerfile of the commit and pushed to a registry (`image:`).
public struct BuildStep: Sendable, Equatable {
    public var name: String
    public var location: SourceLocation
    /// The program and its arguments; empty for an image step.
    public var run: [String]
    /// The image this step builds and pushes; nil for a command step.
    public var image: ImageBuild?
    public var env: [String: String]
    public var workingDirectory: String?
    public var timeout: Duration
    /// Artifact name → path relative to the checkout.
    public var produces: [String: String]
    /// Paths kept between runs of the same pipeline, as CI caches are.
    public var cache: [String]
    /// Whether the step may use the network (`network: true`); off by default: the sandbox a
    /// command step runs in has only a loopback interface of its own.
    public var network: Bool
    /// Variables the step gets from the runner's secrets file, by name (`secrets: [NPM_TOKEN]`);
    /// the values are never in the spec.
    public var secrets: [String]

    public init(
        name: String, location: SourceLocation, run: [String], env: [String: String] = [:],
        workingDirectory: String? = nil, timeout: Duration = .seconds(1800),
        produces: [String: String] = [:], cache: [String] = [], network: Bool = false, secrets: [String] = []
    ) {
        self.name = name
        self.location = location
        self.run = run
        self.image = nil
        self.env = env
        self.workingDirectory = workingDirectory
        self.timeout = timeout
        self.produces = produces
        self.cache = cache
        self.network = network
        self.secrets = secrets
    }

    /// An image step: builds `image` and records its digest as the artifact named after the step.
    public init(
        name: String, location: SourceLocation, image: ImageBuild, env: [String: String] = [:], timeout: Duration = .seconds(1800)
    ) {
        self.init(name: name, location: location, run: [], env: env, timeout: timeout)
        self.image = image
    }
}

/// A build step's `image:`: an OCI image built from a Containerfile in the commit, pushed to a
/// registry, and recorded by its manifest digest (never by its tag). Registry credentials come
/// from the runner's environment (`SLIPWAY_REGISTRY_USERNAME`/`_PASSWORD`) or a docker-style auth
/// file (`SLIPWAY_REGISTRY_AUTH_FILE`), never from the spec.
public struct ImageBuild: Sendable, Equatable {
    /// The program that builds and pushes the image.
    public enum Builder: String, Sendable, CaseIterable {
        /// `buildah bud` without a daemon (`--isolation chroot`, vfs storage under the state directory).
        case buildah
        /// `docker build` + `docker push`, through the local Docker daemon.
        case docker
        /// kaniko's `executor`, as in a CI pod.
        case kaniko
    }

    public var builder: Builder
    /// The Containerfile (or Dockerfile), relative to the checkout.
    public var containerfile: String
    /// The build context, relative to the checkout.
    public var context: String
    /// Where the image is pushed: `host[:port]/path`, without a tag or digest.
    public var repository: String
    /// The tag pushed; `{commit}` (12 hex digits) and `{run}` are replaced. Default: `{commit}`.
    public var tag: String
    /// `--build-arg NAME=VALUE` for each entry.
    public var buildArgs: [String: String]

    public init(
        builder: Builder = .buildah, containerfile: String = "Containerfile", context: String = ".", repository: String,
        tag: String = "{commit}", buildArgs: [String: String] = [:]
    ) {
        self.builder = builder
        self.containerfile = containerfile
        self.context = context
        self.repository = repository
        self.tag = tag
        self.buildArgs = buildArgs
    }

    /// The tag for run `runID` of `commit`: `{commit}` becomes its first 12 hex digits, `{run}` the run id.
    public func tag(commit: String, runID: Int64) -> String {
        tag.replacingOccurrences(of: "{commit}", with: String(commit.prefix(12)))
            .replacingOccurrences(of: "{run}", with: String(runID))
    }

    /// The registry's host (and port) of `repository`: its part before the first `/`.
    public var registry: String {
        String(repository.split(separator: "/", maxSplits: 1).first ?? "")
    }

    /// Whether the registry is on this machine's loopback (`127.x.x.x`, `localhost`, `[::1]`), where
    /// it is reached over plain HTTP without TLS verification, as a test or demo registry is.
    public var registryIsLoopback: Bool {
        let host: Substring
        if registry.hasPrefix("[") {
            host = registry.dropFirst().prefix { $0 != "]" }
        } else {
            host = registry.split(separator: ":", maxSplits: 1).first ?? ""
        }
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
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
