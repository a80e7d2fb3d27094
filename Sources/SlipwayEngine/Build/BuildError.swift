/// Why the build stage of a run stopped. Each case names the build step (when one is at fault)
/// and its description ends with what to do about it.
public enum BuildError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The commit to build is not a full 40-digit hex id.
    case invalidCommit(String)
    /// The commit could not be written into the run's work directory.
    case checkoutFailed(commit: String, directory: String, message: String)
    /// A path of a step (`cache`, `produces`, `workingDirectory`) is absolute or leaves the checkout.
    case unsafePath(step: String, field: String, path: String)
    /// An artifact name cannot be used as a file name (it is empty, `.`, `..`, or holds a `/`).
    case invalidArtifactName(step: String, name: String)
    /// The step's `workingDirectory` is not a directory of the checkout.
    case workingDirectoryMissing(step: String, path: String)
    /// The step's program is neither an executable path nor found in PATH.
    case programNotFound(step: String, program: String, searchPath: String)
    /// The step's program could not be started.
    case spawnFailed(step: String, program: String, message: String)
    /// The step exited with a non-zero status (128 + the signal when a signal ended it).
    case stepFailed(step: String, status: Int32, logPath: String, logTail: String)
    /// The step ran longer than its `timeout` and was stopped.
    case timedOut(step: String, timeout: Duration, logPath: String, logTail: String)
    /// A file the step declares in `produces` is not there after the step.
    case artifactMissing(step: String, name: String, path: String)
    /// Two steps (or one step twice) produce an artifact of the same name.
    case duplicateArtifact(step: String, name: String, firstStep: String)
    /// A path the step declares in `produces` is not a regular file (e.g. a directory).
    case artifactNotAFile(step: String, name: String, path: String)
    /// A path the step declares in `produces` is a symbolic link (or lies under one) that leads
    /// out of the checkout, to `resolved`: never copied, the runner's files are not artifacts.
    case artifactOutsideCheckout(step: String, name: String, path: String, resolved: String)
    /// Moving a cache into the checkout or back failed.
    case cacheFailed(step: String, path: String, message: String)
    /// A file operation of the build stage itself failed (creating directories, the log, copying an artifact).
    case fileSystem(step: String?, operation: String, message: String)
    /// An image step failed: the builder is missing, the build or the push failed, no digest came back.
    case image(ImageBuildFailure)
    /// One or more `scan:` entries failed (each is recorded as a scan of the run first).
    case scans([ScanFailure])
    /// bubblewrap is missing or cannot make a sandbox here, and `--unsandboxed-builds` was not given.
    case sandboxUnavailable(reason: String)
    /// The sandbox around a step could not be prepared (handing the checkout to its user).
    case sandboxFailed(step: String, message: String)
    /// A step names a secret the runner's secrets file does not hold (or there is no such file).
    case secretMissing(step: String, name: String, file: String?)
    /// The runner's secrets file cannot be used.
    case secretsFile(path: String, message: String)

    /// The step at fault, when there is one.
    public var step: String? {
        switch self {
        case .invalidCommit, .checkoutFailed: return nil
        case .unsafePath(let step, _, _), .invalidArtifactName(let step, _), .workingDirectoryMissing(let step, _),
             .programNotFound(let step, _, _), .spawnFailed(let step, _, _), .stepFailed(let step, _, _, _),
             .timedOut(let step, _, _, _), .artifactMissing(let step, _, _), .duplicateArtifact(let step, _, _),
             .artifactNotAFile(let step, _, _), .artifactOutsideCheckout(let step, _, _, _),
             .cacheFailed(let step, _, _), .sandboxFailed(let step, _), .secretMissing(let step, _, _):
            return step
        case .sandboxUnavailable, .secretsFile: return nil
        case .fileSystem(let step, _, _): return step
        case .image(let failure): return failure.step
        case .scans: return nil
        }
    }

    /// The last lines of the step's log, when the step ran and failed.
    public var logTail: String? {
        switch self {
        case .stepFailed(_, _, _, let tail), .timedOut(_, _, _, let tail): return tail
        case .image(let failure): return failure.logTail
        case .scans(let failures): return failures.lazy.compactMap(\.logTail).first
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .invalidCommit(let commit):
            return "cannot build \"\(commit)\": a build needs a full 40-digit commit id\n"
                + "  what to do: resolve the revision first (e.g. `git rev-parse`) and build that commit"
        case .checkoutFailed(let commit, let directory, let message):
            return "cannot check out \(commit) into \(directory): \(message)\n"
                + "  what to do: check that the repository holds the commit (fetch it) and that Slipway may write to its state directory"
        case .unsafePath(let step, let field, let path):
            return "build step \(step): its \(field) path \"\(path)\" is not inside the checkout\n"
                + "  what to do: use a path relative to the repository root, without '..'"
        case .invalidArtifactName(let step, let name):
            return "build step \(step): \"\(name)\" cannot name an artifact (it becomes a file name)\n"
                + "  what to do: rename it in `produces:` to a name without '/', e.g. \"app\""
        case .workingDirectoryMissing(let step, let path):
            return "build step \(step): its workingDirectory \"\(path)\" is not a directory of the commit\n"
                + "  what to do: fix `workingDirectory:`, or commit the directory"
        case .programNotFound(let step, let program, let searchPath):
            return "build step \(step): cannot find the program \"\(program)\" (searched PATH=\(searchPath))\n"
                + "  what to do: install it on the runner, give its absolute path in `run:`, or set PATH in the step's `env:`"
        case .spawnFailed(let step, let program, let message):
            return "build step \(step): cannot start \(program): \(message)\n"
                + "  what to do: check that the program is executable and meant for this machine"
        case .stepFailed(let step, let status, let logPath, let tail):
            return "build step \(step) failed with exit status \(status); its log is \(logPath)\n"
                + Self.indented(tail)
                + "  what to do: fix the build (the lines above are the end of its output) and start a new run"
        case .timedOut(let step, let timeout, let logPath, let tail):
            return "build step \(step) timed out after \(timeout) and was stopped; its log is \(logPath)\n"
                + Self.indented(tail)
                + "  what to do: find out why it hangs (the lines above are the end of its output), or raise its `timeout:`"
        case .artifactMissing(let step, let name, let path):
            return "build step \(step) succeeded but did not produce artifact \(name): \(path) does not exist\n"
                + "  what to do: make the step write \(path), or fix the path in `produces:`"
        case .duplicateArtifact(let step, let name, let firstStep):
            return "build step \(step) produces artifact \(name), which build step \(firstStep) already produces\n"
                + "  what to do: give each artifact its own name in `produces:`"
        case .artifactNotAFile(let step, let name, let path):
            return "build step \(step): artifact \(name) at \(path) is not a regular file\n"
                + "  what to do: produce a single file (archive a directory, e.g. with tar, in the step)"
        case .artifactOutsideCheckout(let step, let name, let path, let resolved):
            return "build step \(step): artifact \(name) at \(path) is a symbolic link out of the checkout, to \(resolved); it is not copied\n"
                + "  what to do: make the step write the file itself inside the checkout (copy it there instead of linking to it)"
        case .cacheFailed(let step, let path, let message):
            return "build step \(step): cannot move its cache \(path): \(message)\n"
                + "  what to do: check the disk and the state directory's permissions; deleting the pipeline's cache directory makes the next run rebuild from scratch"
        case .fileSystem(let step, let operation, let message):
            return (step.map { "build step \($0): " } ?? "build: ") + "cannot \(operation): \(message)\n"
                + "  what to do: check the disk space and the state directory's permissions"
        case .image(let failure):
            return failure.description
        case .sandboxUnavailable(let reason):
            return "cannot build: build steps and scanners run in a bubblewrap sandbox, and \(reason)\n"
                + "  what to do: install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap), or run with --unsandboxed-builds "
                + "to build without a sandbox (steps then see the runner's files and the network; the run records it)"
        case .sandboxFailed(let step, let message):
            return "build step \(step): cannot prepare its sandbox: \(message)\n"
                + "  what to do: check the state directory's permissions (every folder above the checkout must be searchable by nobody when Slipway runs as root)"
        case .secretMissing(let step, let name, let file):
            let source = file.map { "the runner's secrets file \($0) has no \(name)" }
                ?? "the runner has no secrets file (--secrets-file, or secrets.env in the state directory)"
            return "build step \(step) names the secret \(name) in `secrets:`, but \(source)\n"
                + "  what to do: add a line \(name)=VALUE to the runner's secrets file, or remove \(name) from the step's `secrets:`"
        case .secretsFile(let path, let message):
            return "cannot read the runner's secrets file \(path): \(message)\n"
                + "  what to do: fix the file (NAME=VALUE lines, # comments), or point --secrets-file at the right one"
        case .scans(let failures):
            let heading = failures.count == 1 ? "" : "\(failures.count) scans failed; nothing is promoted\n"
            return heading + failures.map(\.description).joined(separator: "\n")
        }
    }

    private static func indented(_ tail: String) -> String {
        guard !tail.isEmpty else { return "  (the step printed nothing)\n" }
        return LogTail.quoted(tail)
    }
}
