/// All the specs of a repository at one revision: its pipelines and environments,
/// validated together.
public struct SpecSet: Sendable, Equatable {
    public var pipelines: [PipelineSpec]
    public var environments: [EnvironmentSpec]

    public init(pipelines: [PipelineSpec], environments: [EnvironmentSpec]) {
        self.pipelines = pipelines
        self.environments = environments
    }

    public func pipeline(named name: String) -> PipelineSpec? { pipelines.first { $0.name == name } }
    public func environment(named name: String) -> EnvironmentSpec? { environments.first { $0.name == name } }

    /// Environments in promotion order.
    public var orderedEnvironments: [EnvironmentSpec] { environments.sorted { $0.order < $1.order } }
}

/// A spec file's path (relative to the repository root) and its text.
public struct SpecFile: Sendable, Equatable {
    public var path: String
    public var contents: String

    public init(path: String, contents: String) {
        self.path = path
        self.contents = contents
    }

    /// The folders specs are read from, and the kind each holds.
    public static let directories: [(directory: String, kind: String)] = [
        ("pipelines", "Pipeline"),
        ("environments", "Environment"),
    ]

    /// Whether a repository path is a spec file Slipway reads.
    public static func isSpecPath(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        guard parts.count == 2, directories.contains(where: { $0.directory == parts[0] }) else { return false }
        return path.hasSuffix(".yaml") || path.hasSuffix(".yml")
    }
}
