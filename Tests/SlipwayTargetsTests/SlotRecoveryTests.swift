import Foundation
import SlipwaySystem
import SlipwayTargets
import SlipwayTestSupport
import Testing

extension LocalEnvironmentTests {
    @Test("a slot HAProxy holds in maintenance is readied before traffic moves back to it")
    func readyForTrafficLiftsMaintenance() async throws {
        try await Self.withEnvironment { environment, fixture in
            try await environment.up()
            _ = try await environment.deploy(try fixture.launch("r1"), into: .blue)
            _ = try await environment.deploy(try fixture.launch("r2"), into: .green)
            try await environment.setWeights([.green: 100, .blue: 0])
            // A retire that timed out leaves the old slot running but in maintenance.
            let backend = environment.haproxy.configuration.backend
            try await environment.haproxy.runtime.setState(backend: backend, server: "blue", .maint)
            try await environment.readyForTraffic(.blue)
            try await environment.setWeights([.blue: 100, .green: 0])
            #expect(try await Self.currentRelease(port: environment.haproxy.configuration.listenPort) == "r1")
            await environment.slots.stop(.green)
            await #expect(throws: LocalTargetError.self) { try await environment.readyForTraffic(.green) }
        }
    }

    @Test("a slot process started but never recorded as ready is ended by the next stop of its colour")
    func aSlotStartedButNotReadyIsFoundAgain() async throws {
        try await Self.withEnvironment { environment, fixture in
            let launch = try fixture.launch("r1")
            // What a Slipway killed while waiting for the slot to get ready leaves behind.
            try FileManager.default.createDirectory(atPath: environment.directory + "/slots", withIntermediateDirectories: true)
            let pid = try DetachedProcess.spawn(
                executable: launch.executable, arguments: launch.arguments + ["--port", "0"],
                environment: MinimalEnvironment.of(), logPath: environment.directory + "/orphan.log"
            )
            try "\(pid)\n".write(toFile: environment.directory + "/slots/blue.starting", atomically: true, encoding: .utf8)
            while DetachedProcess.commandLine(pid)?.contains("serve") != true { try await Task.sleep(for: .milliseconds(10)) }
            await environment.slots.stop(.blue)
            let goneBy = ContinuousClock.now + .seconds(5)
            while DetachedProcess.isAlive(pid) && ContinuousClock.now < goneBy {
                DetachedProcess.reap(pid)
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(!DetachedProcess.isAlive(pid))
            #expect(!FileManager.default.fileExists(atPath: environment.directory + "/slots/blue.starting"))
        }
    }
}
