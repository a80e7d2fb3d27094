import Foundation
import SlipwayLedger
import SlipwaySystem

/// The Docker daemon: `docker build`, `docker push`, the digest from the image's `RepoDigests`,
/// and `docker save` for the scans. Credentials reach it as `DOCKER_CONFIG`.
struct DockerBuilder: ImageBuilder {
    var program: String { "docker" }
    var installAdvice: String { "install Docker on the runner and start its daemon, or use `builder: buildah`, which needs no daemon" }
    var archiveFormat: BuiltImage.ArchiveFormat { .docker }

    func commands(_ request: ImageBuildRequest) -> [ImageBuildCommand] {
        let environment = request.credentials.dockerConfigDirectory.map { ["DOCKER_CONFIG": $0] } ?? [:]
        func docker(_ arguments: [String]) -> ToolCommand {
            ToolCommand(program: program, arguments: arguments, environment: environment)
        }
        var commands = [
            ImageBuildCommand(phase: .build, command: ToolCommand(
                program: program,
                arguments: ["build"] + request.buildArgArguments + ["-f", request.containerfile, "-t", request.taggedReference, request.context],
                environment: environment.merging(["SOURCE_DATE_EPOCH": String(request.timestamp)]) { _, new in new }
            )),
            ImageBuildCommand(phase: .push, command: docker(["push", request.taggedReference])),
            ImageBuildCommand(
                phase: .inspect, command: docker(["image", "inspect", "--format", "{{json .RepoDigests}}", request.taggedReference]),
                outputPath: request.inspectOutput
            ),
        ]
        if let archive = request.archive {
            commands.append(ImageBuildCommand(phase: .export, command: docker(["save", "-o", archive, request.taggedReference])))
        }
        return commands
    }

    /// The digest of `repository@sha256:…` among the image's repo digests.
    func digest(_ request: ImageBuildRequest) -> String? {
        guard let data = FileManager.default.contents(atPath: request.inspectOutput),
              let digests = try? JSONDecoder().decode([String].self, from: data) else { return nil }
        let prefix = request.spec.repository + "@"
        return digests.first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }.flatMap {
            FileDigest.isValid($0) ? $0 : nil
        }
    }
}
