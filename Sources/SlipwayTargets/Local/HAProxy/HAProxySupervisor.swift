import Foundation
import SlipwaySystem

/// Starts, finds again and stops the HAProxy of one local environment.
///
/// HAProxy runs as a daemon in a session of its own (so it outlives Slipway); its pid file and
/// admin socket live in the environment's directory. ``ensureRunning()`` reattaches when the
/// recorded process is alive and its socket answers, and otherwise writes the configuration and
/// starts a new one; it never restarts a running HAProxy.
public struct HAProxySupervisor: Sendable {
    public let configuration: HAProxyConfiguration
    public let directory: String
    public let executable: String

    public init(configuration: HAProxyConfiguration, directory: String, executable: String? = nil) {
        self.configuration = configuration
        self.directory = directory
        self.executable = executable ?? Self.findExecutable() ?? "/usr/sbin/haproxy"
    }

    public var configPath: String { directory + "/haproxy.cfg" }
    public var logPath: String { directory + "/haproxy.log" }
    public var runtime: HAProxyRuntimeClient { HAProxyRuntimeClient(socketPath: configuration.socketPath) }

    /// The running HAProxy's pid, when the pid file names a live process.
    public func runningPID() -> pid_t? {
        guard let text = try? String(contentsOfFile: configuration.pidFile, encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)),
              DetachedProcess.isAlive(pid),
              DetachedProcess.commandLine(pid)?.first?.hasSuffix("haproxy") == true
        else { return nil }
        return pid
    }

    /// What ``ensureRunning()`` did.
    public enum Outcome: Sendable, Equatable {
        case reattached(pid: pid_t)
        case started(pid: pid_t)
    }

    /// Reattaches to the environment's HAProxy, or starts it.
    ///
    /// - Throws: ``LocalTargetError`` naming the cause: HAProxy not installed, a port already in
    ///   use by something else, a configuration HAProxy refuses, or a start that never answered.
    @discardableResult
    public func ensureRunning(startupTimeout: Duration = .seconds(10)) async throws -> Outcome {
        if let pid = runningPID(), (try? await runtime.execute("show info")) != nil {
            return .reattached(pid: pid)
        }
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw LocalTargetError("HAProxy is not installed (looked for \(executable)); install it: apt-get install haproxy")
        }
        for (port, role) in [(configuration.listenPort, "the environment's port"), (configuration.statsPort, "the stats port")]
        where LoopbackPort.isListening(port) {
            throw LocalTargetError(
                "port \(port) (\(role) of \(configuration.environment)) is already in use by another process; free it or change the environment's port"
            )
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try configuration.render().write(toFile: configPath, atomically: true, encoding: .utf8)
        try? FileManager.default.removeItem(atPath: configuration.socketPath)
        try? FileManager.default.removeItem(atPath: configuration.pidFile)

        let check = try await runToEnd(arguments: ["-c", "-q", "-f", configPath])
        guard check.status == 0 else {
            throw LocalTargetError("HAProxy refuses the configuration \(configPath)", log: check.output)
        }
        // -D: HAProxy daemonises and writes its pid file; the launcher exits at once.
        let launch = try await runToEnd(arguments: ["-D", "-f", configPath])
        guard launch.status == 0 else {
            throw LocalTargetError("HAProxy did not start for \(configuration.environment)", log: launch.output)
        }
        let deadline = ContinuousClock.now + startupTimeout
        while ContinuousClock.now < deadline {
            if let pid = runningPID(), (try? await runtime.execute("show info")) != nil {
                return .started(pid: pid)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw LocalTargetError(
            "HAProxy started but its admin socket \(configuration.socketPath) did not answer within \(startupTimeout)",
            log: (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        )
    }

    /// Stops HAProxy (SIGUSR1, a soft stop that lets connections finish, then SIGTERM, then SIGKILL).
    public func stop(grace: Duration = .seconds(5)) async {
        guard let pid = runningPID() else { return }
        await DetachedProcess.terminate(pid, grace: grace, signal: SIGUSR1)
        try? FileManager.default.removeItem(atPath: configuration.pidFile)
    }

    /// Runs haproxy with `arguments` to its end; its output is kept in the log (the daemon itself
    /// writes nothing there once it has detached).
    private func runToEnd(arguments: [String]) async throws -> (status: Int32, output: String) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: logPath)
        // PATH and the locale only: HAProxy has no business with Slipway's variables.
        let pid = try DetachedProcess.spawn(
            executable: executable, arguments: arguments, environment: MinimalEnvironment.of(), logPath: logPath
        )
        let status = await DetachedProcess.wait(pid)
        return (status, (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")
    }

    static func findExecutable() -> String? {
        ["/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }
}
