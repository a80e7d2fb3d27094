import Foundation
import SlipwayCore

/// Runs one image step: builds the image from the commit's Containerfile with the builder the
/// spec names, pushes it, and reads back the digest the registry serves it under. Every command's
/// output goes to the step's log, one after the other.
struct ImageStep {
    var request: ImageBuildRequest
    var logPath: String
    var timeout: Duration
    var grace: Duration
    /// The step's `env:`, on top of Slipway's environment.
    var environment: [String: String]
    /// The PATH the builder is found in; nil for Slipway's own.
    var searchPath: String?

    /// Builds and pushes; returns the image by digest.
    func run() async throws -> BuiltImage {
        let step = request.step
        let builder = request.builder
        for (field, path) in [("containerfile", request.containerfile), ("context", request.context)] {
            guard FileManager.default.fileExists(atPath: path) else {
                throw BuildError.image(ImageBuildFailure(
                    step: step, .inputMissing, "its \(field) \(path.dropFirst(request.checkout.count + 1)) is not in the commit",
                    advice: "commit it, or fix `\(field):` in the image step"
                ))
            }
        }
        guard ToolCommand(program: builder.program, arguments: []).resolved(in: request.checkout, searchPath: searchPath) != nil else {
            throw BuildError.image(ImageBuildFailure(
                step: step, .builderNotFound,
                "the builder \(request.spec.builder.rawValue) is not installed: \(builder.program) is not in PATH (\(ToolCommand.searchPath(searchPath)))",
                advice: builder.installAdvice
            ))
        }
        do {
            try FileManager.default.createDirectory(atPath: request.scratch, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: request.storageRunRoot, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        } catch {
            throw BuildError.fileSystem(step: step, operation: "prepare \(request.scratch) for the image build", message: "\(error)")
        }

        let deadline = ContinuousClock.now + timeout
        for command in builder.commands(request) {
            let remaining = deadline - ContinuousClock.now
            let outcome: ToolCommand.Outcome
            do {
                outcome = try await command.command.run(
                    in: request.checkout, logPath: command.outputPath ?? logPath, appending: command.outputPath == nil,
                    timeout: max(remaining, .milliseconds(1)), extraEnvironment: environment, searchPath: searchPath, grace: grace
                )
            } catch let failure as ToolCommand.StartFailure {
                throw BuildError.image(startFailure(failure, builder: builder))
            }
            switch outcome {
            case .exited(0):
                continue
            case .exited(let status) where command.phase == .cleanup:
                // The image is pushed; a local copy left behind costs disk, not correctness.
                try? Data("(removing the local image failed with exit status \(status); it stays in \(request.storageRoot))\n".utf8)
                    .append(toFile: logPath)
            case .exited(let status):
                throw BuildError.image(failure(command.phase, status: status))
            case .timedOut:
                throw BuildError.image(ImageBuildFailure(
                    step: step, .timedOut, "the image build ran past its timeout of \(timeout) and was stopped",
                    advice: "find out why it hangs (the lines above are the end of its output), or raise the step's `timeout:`",
                    logPath: logPath, logTail: LogTail.read(path: logPath)
                ))
            }
        }
        guard let digest = builder.digest(request) else {
            throw BuildError.image(ImageBuildFailure(
                step: step, .digestMissing,
                "\(builder.program) pushed \(request.taggedReference) but did not say its digest; an image is never recorded by its tag alone",
                advice: "check the builder's output in the log; a builder too old to write a digest file needs an upgrade",
                logPath: logPath
            ))
        }
        return BuiltImage(
            step: step, repository: request.spec.repository, tag: request.tag, digest: digest,
            archive: request.archive, archiveFormat: builder.archiveFormat
        )
    }

    private func startFailure(_ failure: ToolCommand.StartFailure, builder: any ImageBuilder) -> ImageBuildFailure {
        switch failure {
        case .notFound(let program, let searchPath):
            ImageBuildFailure(
                step: request.step, .builderNotFound, "the builder \(program) is not installed (searched PATH=\(searchPath))",
                advice: builder.installAdvice
            )
        case .spawnFailed(let program, let message):
            ImageBuildFailure(
                step: request.step, .builderNotFound, "cannot start \(program): \(message)", advice: builder.installAdvice
            )
        }
    }

    private func failure(_ phase: ImageBuildCommand.Phase, status: Int32) -> ImageBuildFailure {
        let tail = LogTail.read(path: logPath)
        let registry = request.spec.registry
        switch phase {
        case .build:
            return ImageBuildFailure(
                step: request.step, .buildFailed, "building the image from \(request.spec.containerfile) failed with exit status \(status)",
                advice: "fix the Containerfile or what it builds (the lines above are the end of the builder's output) and start a new run",
                logPath: logPath, logTail: tail
            )
        case .push:
            return ImageBuildFailure(
                step: request.step, .pushFailed, "pushing \(request.taggedReference) to \(registry) failed with exit status \(status)",
                advice: "check that the registry \(registry) is up and accepts pushes to \(request.spec.repository); credentials come from "
                    + "\(RegistryCredentials.usernameVariable)/\(RegistryCredentials.passwordVariable) or \(RegistryCredentials.authFileVariable) "
                    + "in the runner's environment, never from the spec",
                logPath: logPath, logTail: tail
            )
        case .export, .cleanup:
            return ImageBuildFailure(
                step: request.step, .exportFailed, "keeping a local copy of the image for the scans failed with exit status \(status)",
                advice: "check the disk space under the state directory", logPath: logPath, logTail: tail
            )
        case .inspect:
            return ImageBuildFailure(
                step: request.step, .digestMissing, "reading the pushed image's digest failed with exit status \(status)",
                advice: "check the builder's output in \(request.inspectOutput)", logPath: logPath, logTail: tail
            )
        }
    }
}

extension Data {
    /// Adds the bytes to the end of the file at `path`.
    func append(toFile path: String) throws {
        guard let handle = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileNoSuchFile) }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: self)
    }
}
