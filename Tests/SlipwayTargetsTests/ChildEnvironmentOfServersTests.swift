import Foundation
import SlipwaySystem
import SlipwayTargets
import SlipwayTestSupport
import Testing

extension LocalEnvironmentTests {
    /// The variables of a running process, read from /proc.
    static func environment(ofProcess pid: pid_t) throws -> [String: String] {
        let data = try #require(FileManager.default.contents(atPath: "/proc/\(pid)/environ"))
        var variables: [String: String] = [:]
        for entry in data.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            guard let equals = text.firstIndex(of: "=") else { continue }
            variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        return variables
    }

    @Test("a slot and HAProxy start with PATH, the locale and the launch's own variables: nothing else of the runner's environment")
    func serversGetAMinimalEnvironment() async throws {
        // The test process's own environment stands for the runner's: HOME is always there, and
        // `make test` sets SLIPWAY_TEST_DATABASE_URL (a superuser URL).
        let runner = ProcessInfo.processInfo.environment
        #expect(runner["HOME"] != nil)
        try await Self.withEnvironment { environment, fixture in
            try await environment.up()
            var launch = try fixture.launch("r1")
            launch.environment["MODELSERVE_CANARY"] = "given-by-the-launch"
            let slot = try await environment.deploy(launch, into: .blue)
            let slotEnvironment = try Self.environment(ofProcess: slot.pid)
            #expect(slotEnvironment["MODELSERVE_CANARY"] == "given-by-the-launch")
            #expect(slotEnvironment["PATH"] != nil)
            let haproxy = try #require(environment.haproxy.runningPID())
            let haproxyEnvironment = try Self.environment(ofProcess: haproxy)
            #expect(haproxyEnvironment["PATH"] != nil)
            for (name, variables) in [("slot", slotEnvironment), ("HAProxy", haproxyEnvironment)] {
                let unexpected = variables.keys.filter { !MinimalEnvironment.names.contains($0) && !$0.hasPrefix("MODELSERVE_") }
                #expect(unexpected.isEmpty, "\(name) got \(unexpected.sorted())")
                #expect(variables["HOME"] == nil)
                #expect(!variables.keys.contains { $0.hasPrefix("SLIPWAY_") }, "\(name) got a SLIPWAY_ variable")
            }
        }
    }
}
