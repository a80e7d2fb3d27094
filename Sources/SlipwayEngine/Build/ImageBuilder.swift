import SlipwayCore

/// One way of building and pushing an image (buildah, docker, kaniko): the commands to run, in
/// order, and where the pushed image's digest is read from afterwards. One file per builder.
protocol ImageBuilder: Sendable {
    /// The program, as looked up in PATH (for "not installed" messages).
    var program: String { get }
    /// How to install it on the runner.
    var installAdvice: String { get }
    /// What the local copy for the scans is packed as.
    var archiveFormat: BuiltImage.ArchiveFormat { get }
    /// The commands that build, push and (when `request.archive` is set) export the image.
    func commands(_ request: ImageBuildRequest) -> [ImageBuildCommand]
    /// The digest of the pushed image, once every command succeeded; nil when the builder did not say.
    func digest(_ request: ImageBuildRequest) -> String?
}

/// One command of an image build, and what it does (for the error when it fails).
struct ImageBuildCommand: Sendable {
    enum Phase: Sendable, Equatable {
        case build, push, export, inspect, cleanup
    }

    var phase: Phase
    var command: ToolCommand
    /// Where its output goes instead of the step's log (for a command whose output is read).
    var outputPath: String?
}

/// Everything a builder needs to know about one image step of one run.
struct ImageBuildRequest: Sendable {
    var step: String
    var spec: ImageBuild
    /// The checkout (absolute), where the commands run.
    var checkout: String
    /// The Containerfile and the context, absolute.
    var containerfile: String
    var context: String
    var tag: String
    /// A directory of the run's own for the builder's files (digest file, inspect output).
    var scratch: String
    /// Where the local copy for the scans goes; nil when no scan looks at the image.
    var archive: String?
    /// buildah's image storage (`--root`, `--runroot`), under the state directory.
    var storageRoot: String
    var storageRunRoot: String
    /// The commit's time in seconds since 1970: the image's creation time, so that building the
    /// same commit again gives the same digest.
    var timestamp: Int64
    var credentials: RegistryCredentials

    var taggedReference: String { "\(spec.repository):\(tag)" }
    var digestFile: String { "\(scratch)/digest" }
    var inspectOutput: String { "\(scratch)/inspect.json" }

    /// `--build-arg NAME=VALUE`, sorted by name.
    var buildArgArguments: [String] {
        spec.buildArgs.sorted { $0.key < $1.key }.flatMap { ["--build-arg", "\($0.key)=\($0.value)"] }
    }

    /// The builder for the spec's `builder:`.
    var builder: any ImageBuilder {
        switch spec.builder {
        case .buildah: BuildahBuilder()
        case .docker: DockerBuilder()
        case .kaniko: KanikoBuilder()
        }
    }
}
