import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A server process started for a test: launched, waited for until its loopback port accepts
/// connections, and stopped (SIGTERM, then SIGKILL) when the test's scope ends.
public final class BackgroundProcess: Sendable {
    /// The loopback port the process serves.
    public let port: Int
    private let process: Process
    private let scratch: TemporaryDirectory

    private init(process: Process, port: Int, scratch: TemporaryDirectory) {
        self.process = process
        self.port = port
        self.scratch = scratch
    }

    /// Starts `executable` with `arguments`, runs `body`, and stops the process afterwards,
    /// whether `body` returned or threw. See ``start(executable:arguments:announcement:startupTimeout:)``.
    public static func withProcess<T>(
        executable: String, arguments: [String], announcement: String = "listening on ",
        startupTimeout: Duration = .seconds(20), _ body: (BackgroundProcess) async throws -> T
    ) async throws -> T {
        let running = try await start(
            executable: executable, arguments: arguments, announcement: announcement, startupTimeout: startupTimeout
        )
        do {
            let result = try await body(running)
            await running.stop()
            return result
        } catch {
            await running.stop()
            throw error
        }
    }

    /// Launches a server told to listen on port 0 and waits until it prints a line containing
    /// `announcement` followed by `host:port`, then until that port on 127.0.0.1 accepts a connection.
    ///
    /// Letting the server bind port 0 and announce the port the kernel chose avoids the race of
    /// picking a "free" port first: two tests running in parallel can never share a server.
    public static func start(
        executable: String, arguments: [String], announcement: String = "listening on ",
        startupTimeout: Duration = .seconds(20)
    ) async throws -> BackgroundProcess {
        let scratch = try TemporaryDirectory(prefix: "background-process")
        let logPath = scratch.path("output")
        guard FileManager.default.createFile(atPath: logPath, contents: nil) else {
            throw TemporaryDirectoryError(message: "cannot create \(logPath)")
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try log.close()
        let deadline = ContinuousClock.now + startupTimeout
        var port: Int?
        while ContinuousClock.now < deadline {
            let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if port == nil { port = announcedPort(in: output, after: announcement) }
            if let port, portAnswers(port) {
                return BackgroundProcess(process: process, port: port, scratch: scratch)
            }
            if !process.isRunning {
                process.waitUntilExit()
                throw TemporaryDirectoryError(
                    message: "\(executable) exited with status \(process.terminationStatus) before serving: \(output)"
                )
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        await BackgroundProcess(process: process, port: port ?? 0, scratch: scratch).stop()
        throw TemporaryDirectoryError(message: "\(executable) did not start serving within \(startupTimeout): \(output)")
    }

    /// The port of the first line containing `announcement` and then `host:port`.
    static func announcedPort(in output: String, after announcement: String) -> Int? {
        for line in output.split(separator: "\n") {
            guard let range = line.range(of: announcement) else { continue }
            let address = line[range.upperBound...].split(separator: " ").first ?? ""
            guard let colon = address.lastIndex(of: ":") else { continue }
            let digits = address[address.index(after: colon)...].prefix { $0.isNumber }
            if let port = Int(digits), port > 0 { return port }
        }
        return nil
    }

    /// Everything the process wrote to standard output and error so far.
    public var output: String {
        (try? String(contentsOfFile: scratch.path("output"), encoding: .utf8)) ?? ""
    }

    /// Whether the process is still running.
    public var isRunning: Bool { process.isRunning }

    /// The exit status, once the process has ended.
    public var terminationStatus: Int32 { process.terminationStatus }

    /// Sends SIGTERM and waits up to `grace` for the process to end, then kills it. Waits
    /// without blocking a thread of the concurrency pool.
    public func stop(grace: Duration = .seconds(5)) async {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + grace
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        process.waitUntilExit()
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    public static func portAnswers(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return connected == 0
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}

/// A loopback port held bound but not listening: connecting to it is refused, and no other
/// process can take it while this lives. For testing what a client does when nothing answers.
public final class RefusingPort: Sendable {
    /// The port; connections to 127.0.0.1 on it are refused.
    public let port: Int
    private let descriptor: Int32

    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TemporaryDirectoryError(message: "socket() failed: errno \(errno)") }
        var address = BackgroundProcess.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard bound == 0, named == 0 else {
            close(fd)
            throw TemporaryDirectoryError(message: "cannot bind a loopback port: errno \(errno)")
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}
