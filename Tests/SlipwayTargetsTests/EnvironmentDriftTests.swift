import Foundation
import SlipwaySystem
import SlipwayTargets
import SlipwayTestSupport
import Testing

extension LocalEnvironmentTests {
    @Test("a crashed slot, a weight changed by hand and a dead HAProxy are found as drift and healed")
    func driftIsFoundAndHealed() async throws {
        try await Self.withEnvironment { environment, fixture in
            try await environment.up()
            #expect(await environment.inspect().isClean, "an environment that runs nothing has nothing to drift from")
            let first = try await environment.deploy(try fixture.launch("r1"), into: .blue)
            try await environment.setWeights([.blue: 100])
            #expect(await environment.inspect() == DriftReport())

            // Someone changes a weight through HAProxy's admin socket.
            try await environment.haproxy.runtime.setWeight(backend: environment.haproxy.configuration.backend, server: "blue", weight: 7)
            #expect(await environment.inspect().found == [.weight(.blue, expected: 100, actual: 7)])

            // The slot's process dies; inspecting only reports it.
            kill(first.pid, SIGKILL)
            while DetachedProcess.isAlive(first.pid) {
                DetachedProcess.reap(first.pid)
                try await Task.sleep(for: .milliseconds(10))
            }
            let inspected = await environment.inspect()
            #expect(inspected.found == [.slotDown(.blue, release: "r1")])
            #expect(environment.slots.running(.blue) == nil)

            // Healing starts it again as it was launched, on a new process, with the recorded weight.
            let healed = await environment.heal()
            #expect(healed.found == [.slotDown(.blue, release: "r1")])
            #expect(healed.repaired.first == "started the blue slot (r1) again", "\(healed)")
            #expect(healed.failures.isEmpty, "\(healed.failures)")
            let again = try #require(environment.slots.running(.blue))
            #expect(again.pid != first.pid)
            #expect(again.releaseID == "r1")
            try await environment.waitUntilUp(.blue)
            #expect(try await Self.currentRelease(port: environment.haproxy.configuration.listenPort) == "r1")
            #expect(await environment.inspect().isClean)
            let previousLog = try String(contentsOfFile: again.logPath + ".previous", encoding: .utf8)
            #expect(!previousLog.isEmpty, "the crashed slot's log is kept beside the new one")

            // HAProxy dies: healing starts it again with the slot and weight.
            let proxy = try #require(environment.haproxy.runningPID())
            kill(proxy, SIGKILL)
            while DetachedProcess.isAlive(proxy) { try await Task.sleep(for: .milliseconds(10)) }
            let port = environment.haproxy.configuration.listenPort
            let closedBy = ContinuousClock.now + .seconds(5)
            while LoopbackPort.isListening(port) && ContinuousClock.now < closedBy { try await Task.sleep(for: .milliseconds(20)) }
            let proxyHealed = await environment.heal()
            #expect(proxyHealed.found == [.proxyDown])
            #expect(proxyHealed.repaired.first?.hasPrefix("started HAProxy again (pid ") == true, "\(proxyHealed)")
            try await environment.waitUntilUp(.blue)
            #expect(try await Self.currentRelease(port: port) == "r1")
        }
    }

    @Test("a crashed slot that cannot be started again stays recorded, and is reported again, not forgotten")
    func aFailedRestartIsNotForgotten() async throws {
        try await Self.withEnvironment { environment, fixture in
            try await environment.up()
            // The slot runs a copy of model-serve that then disappears (a release folder removed by hand).
            let copy = environment.directory + "/model-serve-copy"
            try FileManager.default.copyItem(atPath: try BuiltExecutable.path(named: "model-serve"), toPath: copy)
            var launch = try fixture.launch("r1")
            launch.executable = copy
            let slot = try await environment.deploy(launch, into: .blue)
            try await environment.setWeights([.blue: 100])
            try FileManager.default.removeItem(atPath: copy)
            kill(slot.pid, SIGKILL)
            while DetachedProcess.isAlive(slot.pid) {
                DetachedProcess.reap(slot.pid)
                try await Task.sleep(for: .milliseconds(10))
            }
            let healed = await environment.heal()
            #expect(healed.repaired.isEmpty)
            #expect(healed.failures.first?.hasPrefix("the blue slot (r1) did not start again") == true, "\(healed)")
            #expect(environment.slots.recorded(.blue)?.releaseID == "r1")
            #expect(await environment.inspect().found == [.slotDown(.blue, release: "r1")])
        }
    }

    @Test("after `down` an environment runs nothing on purpose, and healing does not start it again")
    func downIsNotDrift() async throws {
        try await Self.withEnvironment { environment, fixture in
            try await environment.up()
            _ = try await environment.deploy(try fixture.launch("r1"), into: .green)
            try await environment.setWeights([.green: 100])
            await environment.down()
            let report = await environment.heal()
            #expect(report.isClean)
            #expect(environment.haproxy.runningPID() == nil)
            #expect(environment.slots.running(.green) == nil)
        }
    }
}
