import Foundation
import SlipwayLedger
import SlipwaySystem

/// buildah without a daemon: `bud --isolation chroot` with vfs storage under Slipway's state
/// directory, `push --digestfile`, an OCI archive for the scans, then the local image removed.
/// A loopback registry is pushed to over plain HTTP (`--tls-verify=false`).
struct BuildahBuilder: ImageBuilder {
    var program: String { "buildah" }
    var installAdvice: String { "install buildah on the runner (Debian: apt-get install buildah)" }
    var archiveFormat: BuiltImage.ArchiveFormat { .oci }

    func commands(_ request: ImageBuildRequest) -> [ImageBuildCommand] {
        let storage = ["--root", request.storageRoot, "--runroot", request.storageRunRoot, "--storage-driver", "vfs"]
        let auth = request.credentials.authFile.map { ["--authfile", $0] } ?? []
        let tls = request.spec.registryIsLoopback ? ["--tls-verify=false"] : []
        var commands = [
            ImageBuildCommand(phase: .build, command: ToolCommand(
                program: program,
                arguments: storage + ["bud", "--isolation", "chroot", "--timestamp", String(request.timestamp)]
                    + auth + request.buildArgArguments
                    + ["-f", request.containerfile, "-t", request.taggedReference, request.context],
                environment: ["BUILDAH_ISOLATION": "chroot"]
            )),
            ImageBuildCommand(phase: .push, command: ToolCommand(
                program: program,
                arguments: storage + ["push", "--digestfile", request.digestFile] + tls + auth
                    + [request.taggedReference, "docker://\(request.taggedReference)"]
            )),
        ]
        if let archive = request.archive {
            commands.append(ImageBuildCommand(phase: .export, command: ToolCommand(
                program: program,
                arguments: storage + ["push", request.taggedReference, "oci-archive:\(archive):\(request.taggedReference)"]
            )))
        }
        // The image is in the registry (and the archive); vfs storage would keep a full copy per run.
        commands.append(ImageBuildCommand(phase: .cleanup, command: ToolCommand(
            program: program, arguments: storage + ["rmi", request.taggedReference]
        )))
        return commands
    }

    func digest(_ request: ImageBuildRequest) -> String? {
        guard let data = FileManager.default.contents(atPath: request.digestFile) else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return FileDigest.isValid(text) ? text : nil
    }
}
