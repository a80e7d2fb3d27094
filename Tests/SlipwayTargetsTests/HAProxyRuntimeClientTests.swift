import Foundation
import SlipwayTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SlipwaySystem
@testable import SlipwayTargets

/// The runtime API client against a real HAProxy, started by each test with an admin socket,
/// a frontend and a backend `app` of two servers (`blue` weight 100, `green` weight 0) that
/// point at ports where nothing listens.
@Suite(.serialized)
struct HAProxyRuntimeClientTests {
    @Test func setWeightShowsInServerStates() async throws {
        try await RunningHAProxy.with { haproxy in
            let before = try await haproxy.client.serverStates(backend: "app")
            #expect(before.map(\.name) == ["blue", "green"])
            #expect(before.map(\.weight) == [100, 0])

            try await haproxy.client.setWeight(backend: "app", server: "green", weight: 100)
            try await haproxy.client.setWeight(backend: "app", server: "blue", weight: 0)

            let after = try await haproxy.client.serverStates(backend: "app")
            let blue = try #require(after.first { $0.name == "blue" })
            let green = try #require(after.first { $0.name == "green" })
            #expect(blue.weight == 0)
            #expect(green.weight == 100)
            #expect(green.initialWeight == 0)
            #expect(blue.backend == "app")
        }
    }

    @Test func setStateIsReflectedInAdminFlags() async throws {
        try await RunningHAProxy.with { haproxy in
            let client = haproxy.client
            func blue() async throws -> HAProxyServerState {
                try #require(try await client.serverStates(backend: "app").first { $0.name == "blue" })
            }
            let initial = try await blue()
            #expect(initial.adminFlags == 0)
            #expect(initial.isUp)
            #expect(!initial.isDraining && !initial.isInMaintenance)

            try await client.setState(backend: "app", server: "blue", .drain)
            let draining = try await blue()
            #expect(draining.isDraining)
            #expect(!draining.isInMaintenance)
            #expect(draining.isUp)

            try await client.setState(backend: "app", server: "blue", .maint)
            let maintained = try await blue()
            #expect(maintained.isInMaintenance)
            #expect(!maintained.isDraining)
            #expect(!maintained.isUp)

            try await client.setState(backend: "app", server: "blue", .ready)
            let ready = try await blue()
            #expect(ready.adminFlags == 0)
            #expect(ready.isUp)
        }
    }

    @Test func setAddressMovesTheServer() async throws {
        try await RunningHAProxy.with { haproxy in
            let client = haproxy.client
            let elsewhere = try RefusingPort()
            // Both address and port change, then only the port, then nothing.
            try await client.setAddress(backend: "app", server: "green", host: "127.0.0.2", port: elsewhere.port)
            var green = try #require(try await client.serverStates(backend: "app").first { $0.name == "green" })
            #expect(green.address == "127.0.0.2")
            #expect(green.port == elsewhere.port)

            try await client.setAddress(backend: "app", server: "green", host: "127.0.0.2", port: haproxy.greenPort)
            try await client.setAddress(backend: "app", server: "green", host: "127.0.0.2", port: haproxy.greenPort)
            green = try #require(try await client.serverStates(backend: "app").first { $0.name == "green" })
            #expect(green.address == "127.0.0.2")
            #expect(green.port == haproxy.greenPort)

            // HAProxy 2.6 takes only IP addresses here.
            let error = await #expect(throws: HAProxyRuntimeError.self) {
                try await client.setAddress(backend: "app", server: "green", host: "127.0.0.256", port: 1)
            }
            #expect(error?.answer?.contains("Invalid addr '127.0.0.256'") == true)
        }
    }

    @Test func unknownServerOrBackendThrowsHAProxysAnswer() async throws {
        try await RunningHAProxy.with { haproxy in
            let client = haproxy.client
            let noServer = await #expect(throws: HAProxyRuntimeError.self) {
                try await client.setWeight(backend: "app", server: "purple", weight: 10)
            }
            #expect(noServer?.failure == .rejected(answer: "No such server."))
            #expect(noServer?.command == "set weight app/purple 10")
            #expect(noServer?.description.contains(haproxy.socketPath) == true)

            let noBackend = await #expect(throws: HAProxyRuntimeError.self) {
                try await client.setState(backend: "nope", server: "blue", .drain)
            }
            #expect(noBackend?.failure == .rejected(answer: "No such backend."))

            let noBackendStates = await #expect(throws: HAProxyRuntimeError.self) {
                try await client.serverStates(backend: "nope")
            }
            #expect(noBackendStates?.failure == .rejected(answer: "Can't find backend."))

            let noServerAddress = await #expect(throws: HAProxyRuntimeError.self) {
                try await client.setAddress(backend: "app", server: "purple", host: "127.0.0.1", port: 80)
            }
            #expect(noServerAddress?.failure == .rejected(answer: "No such server."))

            // A raw command HAProxy refuses comes back as text, for the caller to judge.
            let answer = try await client.execute("set weight app 5")
            #expect(answer.contains("Require 'backend/server'."))
        }
    }

    @Test func statisticsHaveFrontendBackendAndServers() async throws {
        try await RunningHAProxy.with { haproxy in
            try await haproxy.client.setWeight(backend: "app", server: "blue", weight: 42)
            let rows = try await haproxy.client.statistics()
            let frontend = try #require(rows.first { $0.proxy == "web" && $0.isFrontend })
            let backend = try #require(rows.first { $0.proxy == "app" && $0.isBackend })
            let blue = try #require(rows.first { $0.proxy == "app" && $0.server == "blue" })
            let green = try #require(rows.first { $0.proxy == "app" && $0.server == "green" })
            #expect(frontend.status == "OPEN")
            #expect(frontend.currentSessions == 0)
            #expect(backend.status == "UP")
            #expect(blue.weight == 42)
            #expect(green.weight == 0)
            #expect(blue.totalSessions == 0)
            #expect(blue.responses2xx == 0)
            #expect(blue.responses5xx == 0)
            #expect(blue.responseErrors == 0)
            #expect(blue.connectionErrors == 0)
            #expect(blue.averageResponseTimeMilliseconds == 0)
            #expect(blue.columns["addr"] == "127.0.0.1:\(haproxy.bluePort)")
            #expect(blue.columns.count > 80)
        }
    }

    @Test func commandsThatCouldSmuggleAnotherAreNotSent() async throws {
        // The socket does not exist: a socket error would mean the client tried to connect.
        let scratch = try TemporaryDirectory(prefix: "haproxy-client")
        let client = HAProxyRuntimeClient(socketPath: scratch.path("absent.sock"))
        for command in ["show info\nshutdown frontend web", "show info; disable frontend web", "show\rinfo", "  "] {
            let error = await #expect(throws: HAProxyRuntimeError.self) { try await client.execute(command) }
            guard case .invalidCommand = error?.failure else {
                Issue.record("expected the command to be refused before connecting, got \(String(describing: error))")
                continue
            }
        }
        let badName = await #expect(throws: HAProxyRuntimeError.self) {
            try await client.setWeight(backend: "app", server: "blue 1\nshow", weight: 1)
        }
        guard case .invalidCommand = badName?.failure else {
            Issue.record("expected the server name to be refused, got \(String(describing: badName))")
            return
        }
        let badWeight = await #expect(throws: HAProxyRuntimeError.self) {
            try await client.setWeight(backend: "app", server: "blue", weight: 257)
        }
        #expect(badWeight?.description.contains("between 0 and 256") == true)
    }

    @Test func missingSocketThrowsAClearError() async throws {
        let scratch = try TemporaryDirectory(prefix: "haproxy-client")
        let path = scratch.path("admin.sock")
        let error = await #expect(throws: HAProxyRuntimeError.self) {
            try await HAProxyRuntimeClient(socketPath: path).execute("show info")
        }
        #expect(error?.socketErrno == ENOENT)
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("is HAProxy running") == true)
    }

    @Test func tooLongASocketPathIsRefused() async throws {
        let path = "/tmp/" + String(repeating: "x", count: 200) + "/admin.sock"
        let error = await #expect(throws: HAProxyRuntimeError.self) {
            try await HAProxyRuntimeClient(socketPath: path).execute("show info")
        }
        guard case .unusableSocketPath(let reason) = error?.failure else {
            Issue.record("expected an unusable socket path, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("at most 107"))
    }

    @Test func aSilentSocketTimesOut() async throws {
        // A listening socket nobody accepts on: connecting and sending succeed, no answer comes.
        let scratch = try TemporaryDirectory(prefix: "haproxy-client")
        let path = scratch.path("silent.sock")
        let listener = try SilentUnixListener(path: path)
        defer { listener.stop() }
        let started = ContinuousClock.now
        let error = await #expect(throws: HAProxyRuntimeError.self) {
            try await HAProxyRuntimeClient(socketPath: path, timeout: .milliseconds(200)).execute("show info")
        }
        #expect(error?.failure == .timedOut(timeout: .milliseconds(200)))
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func addressAnswersAreRecognised() {
        #expect(HAProxyRuntimeClient.isAddressChange(
            "IP changed from '127.0.0.1' to '127.0.0.2', port changed from '18081' to '18090' by 'stats socket command'"
        ))
        #expect(HAProxyRuntimeClient.isAddressChange(
            "no need to change the addr, no need to change the port by 'stats socket command'"
        ))
        #expect(HAProxyRuntimeClient.isAddressChange(
            "no need to change the addr, port changed from '18090' to '18091' by 'stats socket command'"
        ))
        #expect(!HAProxyRuntimeClient.isAddressChange("Invalid addr 'localhost' by 'stats socket command'"))
        #expect(!HAProxyRuntimeClient.isAddressChange(
            "no need to change the addr, problem converting port 'abc' to an int by 'stats socket command'"
        ))
        #expect(!HAProxyRuntimeClient.isAddressChange("No such server."))
        #expect(!HAProxyRuntimeClient.isAddressChange(""))
    }

    @Test func csvFieldsHonourQuotes() {
        #expect(HAProxyRuntimeClient.csvFields("a,,\"b,c\",\"say \"\"hi\"\"\",") == ["a", "", "b,c", "say \"hi\"", ""])
    }
}

/// A real `haproxy -db` (foreground) with an admin socket, stopped with SIGTERM when the test ends.
private struct RunningHAProxy {
    let client: HAProxyRuntimeClient
    let socketPath: String
    let frontendPort: Int
    let bluePort: Int
    let greenPort: Int

    static let candidates = ["/usr/sbin/haproxy", "/usr/local/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/bin/haproxy",
                             "/opt/homebrew/bin/haproxy"]

    /// Starts HAProxy, runs `body`, and stops HAProxy whether `body` returned or threw.
    static func with(_ body: (RunningHAProxy) async throws -> Void) async throws {
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw FixtureError("""
                HAProxy is not installed (looked for \(candidates.joined(separator: ", "))): these tests need a real \
                HAProxy 2.6 or later. Install it (apt-get install haproxy, or brew install haproxy) and run them again.
                """)
        }
        let scratch = try TemporaryDirectory(prefix: "haproxy")
        // Servers point at ports held bound but not listening: connections to them are refused.
        let blue = try RefusingPort()
        let green = try RefusingPort()
        let frontendPort = try LoopbackPort.free()
        let socketPath = scratch.path("admin.sock")
        let configuration = """
            global
                stats socket \(socketPath) mode 600 level admin
            defaults
                mode http
                timeout connect 1s
                timeout client 5s
                timeout server 5s
            frontend web
                bind 127.0.0.1:\(frontendPort)
                default_backend app
            backend app
                server blue 127.0.0.1:\(blue.port) weight 100
                server green 127.0.0.1:\(green.port) weight 0

            """
        let configurationPath = scratch.path("haproxy.cfg")
        try configuration.write(toFile: configurationPath, atomically: true, encoding: .utf8)
        let logPath = scratch.path("haproxy.log")
        let process = try DetachedProcess.spawn(executable: executable, arguments: ["-db", "-f", configurationPath], environment: ProcessInfo.processInfo.environment, logPath: logPath)

        func output() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
        let running = RunningHAProxy(
            client: HAProxyRuntimeClient(socketPath: socketPath), socketPath: socketPath,
            frontendPort: frontendPort, bluePort: blue.port, greenPort: green.port
        )
        do {
            try await running.waitUntilAnswering(process, output: output)
            try await body(running)
            await stop(process)
        } catch {
            await stop(process)
            throw error
        }
        withExtendedLifetime((blue, green, scratch)) {}
    }

    /// Waits until the socket answers `show info`.
    private func waitUntilAnswering(_ process: pid_t, output: () -> String) async throws {
        // Generous: a machine running the whole suite at once can be very slow to start a process.
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let info = try? await client.execute("show info"), info.contains("Name: HAProxy") { return }
            DetachedProcess.reap(process)
            guard DetachedProcess.isAlive(process) else {
                throw FixtureError("haproxy exited before answering: \(output())")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw FixtureError("haproxy did not answer on \(socketPath) within 60 seconds: \(output())")
    }

    /// SIGTERM, then SIGKILL after five seconds.
    private static func stop(_ process: pid_t) async {
        await DetachedProcess.terminate(process, grace: .seconds(5))
    }
}

/// A unix stream socket that listens but never accepts, so nothing ever answers.
private struct SilentUnixListener {
    let descriptor: Int32

    init(path: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureError("socket() failed: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw FixtureError("\(path) is too long for a unix socket")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(fd, 4) == 0 else {
            close(fd)
            throw FixtureError("cannot listen on \(path): errno \(errno)")
        }
        descriptor = fd
    }

    func stop() { close(descriptor) }
}

/// The test's HAProxy, or a socket it needed, could not be set up.
private struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
