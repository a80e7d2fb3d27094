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
    /// as the runner's user without capabilities (see ``SandboxProfile/unprivileged``).
    var sandbox: BuildSandbox

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
        let profile = SandboxProfile(
            directory: checkout, network: true, hidden: [layout.stateDirectory],
            readOnly: [checkout] + images.compactMap(\.archive)
                + SandboxProfile.hiddenSearchPath(ToolCommand.searchPath(searchPath), stateDirectory: layout.stateDirectory),
            writable: [reports], unprivileged: false
        )
        let home = sandbox.isSandboxed ? SandboxProfile.home : layout.homeDirectory(pipeline: "scanners")
        do {
            try FileManager.default.createDirectory(atPath: sandbox.isSandboxed ? reports : home, withIntermediateDirectories: true)
        } catch {
            return .failed(ScanFailure(
                scan: name, .toolFailed, "cannot prepare the scanner's sandbox: \(error)",
                advice: "check the state directory's permissions"
            ))
        }
        do {
            switch try await command.run(
                in: checkout, logPath: logPath, timeout: timeout, searchPath: searchPath, grace: grace,
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
        command.resolved(in: checkout, searchPath: searchPath) != nil
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
