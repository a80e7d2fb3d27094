import Foundation
import SlipwayCore
import SlipwayLedger

/// What every scan of one run shares: the checkout after the build, the images it built, where
/// the logs and reports go, and the time the policies are judged at.
struct ScanContext: Sendable {
    var runID: Int64
    /// The checkout of the commit (absolute), after the build steps ran in it.
    var checkout: String
    var layout: BuildLayout
    /// The images the image steps built, in step order.
    var images: [BuiltImage]
    var ledger: Ledger
    /// When the ignore entries' expiry is judged.
    var now: Date
    /// How long a tool that timed out gets between SIGTERM and SIGKILL.
    var grace: Duration
    /// The PATH the tools are found in; nil for Slipway's own.
    var searchPath: String?
    /// Where the scanners run: in the build sandbox, the checkout and the images read-only, the
    /// run's report directory writable, with the network (they fetch vulnerability databases),
    /// started in the sandbox's empty `/tmp`; as nobody when Slipway is root and the scanner is
    /// installed where nobody can read it, else as the runner's user without capabilities,
    /// with only the scanner's own install bound back into the runner's hidden HOME.
    var sandbox: BuildSandbox
    /// The runner's files no scanner sees (its HOME, secrets file, signing key).
    var privatePaths = RunnerPrivatePaths()

    /// The empty config and ignore files and the empty directory scanners start with.
    var blank: BlankScannerConfiguration

    /// A file as the commit has it (not as the build steps may have left it in the checkout):
    /// where a scan's ignore list is read, so the policy's digest of it is what is applied.
    var committedFile: @Sendable (String) throws -> Data? = { _ in nil }

    /// `logs/scan-<name>.log` of the run.
    func logPath(scan name: String) -> String {
        "\(layout.logDirectory(runID: runID))/scan-\(name).log"
    }

    /// Where the report of scan `name` is kept: `reports/<run>/<name>.<ext>` under the state directory.
    func reportPath(scan name: String, extension ext: String) -> String {
        "\(layout.reportDirectory(runID: runID))/\(name).\(ext)"
    }

    /// What `subject` means for this run: a directory of the checkout, or an image the build made.
    func target(for subject: ScanSubject, scan name: String) throws(ScanFailure) -> ScanTarget {
        switch subject {
        case .automatic:
            if let image = images.last { return .image(image) }
            return .directory(path: checkout, shown: ".")
        case .image(let step):
            guard let image = images.first(where: { $0.step == step }) else {
                throw ScanFailure(
                    scan: name, .subjectMissing, "it scans the image of step \(step), which this run did not build",
                    advice: "name an image step of the pipeline in `image:`"
                )
            }
            return .image(image)
        case .directory(let relative):
            guard let normalized = CheckoutPath.normalized(relative) else {
                throw ScanFailure(scan: name, .subjectMissing, "its path \"\(relative)\" is not inside the checkout", advice: "use a relative path without '..'")
            }
            let path = normalized.isEmpty ? checkout : "\(checkout)/\(normalized)"
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ScanFailure(
                    scan: name, .subjectMissing, "its path \(relative) is not a directory of the checkout after the build",
                    advice: "make a build step write it, or fix `path:` in the scan entry"
                )
            }
            return .directory(path: path, shown: normalized.isEmpty ? "." : normalized)
        }
    }

    /// How running a tool ended.
    enum ToolResult {
        /// It exited 0.
        case ran
        /// It is not installed: the message says so.
        case notInstalled(String)
        case failed(ScanFailure)
    }

    /// Runs `command` for scan `name`, its output in the scan's log.
    func run(_ command: ToolCommand, scan name: String, timeout: Duration) async throws -> ToolResult {
        let logPath = logPath(scan: name)
        let reports = layout.reportDirectory(runID: runID)
        let install = command.resolved(in: blank.workingDirectory, searchPath: searchPath).map(ScannerInstall.of)
        var profile = SandboxProfile(
            // An empty directory: no trivy.yaml, .trivyignore or .grype.yaml of the commit is read from it.
            directory: sandbox.isSandboxed ? "/tmp" : blank.workingDirectory, network: true, hidden: [layout.stateDirectory],
            readOnly: [checkout] + images.compactMap(\.archive) + [blank.directory],
            writable: [reports], unprivileged: install?.runsAsOthers ?? false
        )
        let asOthers = sandbox.runsAsOthers(profile)
        privatePaths.hide(in: &profile, asOthers: asOthers)
        profile.readOnly += SandboxProfile.hiddenSearchPath(
            ToolCommand.searchPath(searchPath), stateDirectory: layout.stateDirectory, hidden: profile.hidden, reachableByOthers: asOthers
        )
        if !asOthers, let install {
            // As the runner's user: its hidden HOME shows the scanner's own install, nothing else of it.
            for prefix in install.prefixes where profile.hidden.contains(where: { RunnerPrivatePaths.isInside(prefix, $0) })
                && !RunnerPrivatePaths.isInside(prefix, layout.stateDirectory) && !profile.readOnly.contains(prefix) {
                profile.readOnly.append(prefix)
            }
        }
        let home = sandbox.isSandboxed ? SandboxProfile.home : layout.homeDirectory(pipeline: "scanners")
        do {
            try FileManager.default.createDirectory(atPath: sandbox.isSandboxed ? reports : home, withIntermediateDirectories: true)
            if asOthers {
                try sandbox.handOver(reports)
                for archive in images.compactMap(\.archive) { try sandbox.handOver(archive) }
            }
        } catch {
            return .failed(ScanFailure(
                scan: name, .toolFailed, "cannot prepare the scanner's sandbox: \(error)",
                advice: "check the state directory's permissions"
            ))
        }
        do {
            switch try await command.run(
                in: blank.workingDirectory, logPath: logPath, timeout: timeout, searchPath: searchPath, grace: grace,
                sandbox: (sandbox, profile, home)
            ) {
            case .exited(0):
                return .ran
            case .exited(let status):
                return .failed(ScanFailure(
                    scan: name, .toolFailed, "\(command.program) failed with exit status \(status)",
                    advice: "read the end of its output above and fix what it reports (a scanner that cannot fetch its vulnerability "
                        + "database needs network access or a database fetched beforehand), then start a new run",
                    logPath: logPath, logTail: LogTail.read(path: logPath)
                ))
            case .timedOut:
                return .failed(ScanFailure(
                    scan: name, .timedOut, "\(command.program) ran past the entry's timeout of \(timeout) and was stopped",
                    advice: "find out why it hangs (its database download?), or raise the entry's `timeout:`",
                    logPath: logPath, logTail: LogTail.read(path: logPath)
                ))
            }
        } catch let failure as ToolCommand.StartFailure {
            switch failure {
            case .notFound(let program, let searchPath):
                return .notInstalled("\(program) is not installed (searched PATH=\(searchPath))")
            case .spawnFailed(let program, let message):
                return .failed(ScanFailure(scan: name, .toolFailed, "cannot start \(program): \(message)", advice: ScannerCommand.installAdvice(command.program)))
            }
        }
    }

    /// Whether `command`'s program is installed.
    func isInstalled(_ command: ToolCommand) -> Bool {
        command.resolved(in: blank.workingDirectory, searchPath: searchPath) != nil
    }

    /// Removes what a previous attempt left at `path`.
    func clear(_ path: String, scan name: String) throws {
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true
            )
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        } catch {
            throw BuildError.fileSystem(step: nil, operation: "make room for the report of scan \(name) at \(path)", message: "\(error)")
        }
    }
}
