import Foundation
import SlipwayLedger

/// kaniko's `executor` (in PATH, or `/kaniko/executor` as in its image): builds and pushes in one
/// command, writing the digest to `--digest-file` and the image to `--tar-path` for the scans.
struct KanikoBuilder: ImageBuilder {
    var program: String {
        FileManager.default.isExecutableFile(atPath: "/kaniko/executor") ? "/kaniko/executor" : "executor"
    }
    var installAdvice: String { "run the step where kaniko's executor is installed (its image has /kaniko/executor), or use `builder: buildah`" }
    var archiveFormat: BuiltImage.ArchiveFormat { .docker }

    func commands(_ request: ImageBuildRequest) -> [ImageBuildCommand] {
        var arguments = [
            "--context", "dir://\(request.context)", "--dockerfile", request.containerfile,
            "--destination", request.taggedReference, "--digest-file", request.digestFile, "--reproducible",
        ] + request.buildArgArguments
        if request.spec.registryIsLoopback { arguments += ["--insecure", "--skip-tls-verify"] }
        if let archive = request.archive { arguments += ["--tar-path", archive] }
        let environment = request.credentials.dockerConfigDirectory.map { ["DOCKER_CONFIG": $0] } ?? [:]
        return [ImageBuildCommand(phase: .push, command: ToolCommand(program: program, arguments: arguments, environment: environment))]
    }

    func digest(_ request: ImageBuildRequest) -> String? {
        BuildahBuilder().digest(request)
    }
}
