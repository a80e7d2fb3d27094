import Foundation
import ModelServe
import SlipwayEngine
import SlipwayLedger
import SlipwaySystem
import SlipwayTargets
import SlipwayTestSupport
import Testing

@Suite("environment drift monitor", .serialized)
struct EnvironmentDriftMonitorTests {
    @Test("a crashed slot is healed and recorded once; a round is skipped while a promotion holds the environment")
    func healsRecordsAndStandsAside() async throws {
        try await TestDatabase.withFreshDatabase { (configuration: DatabaseConfiguration) in
            try await BackgroundProcess.withProcess(
                executable: try BuiltExecutable.path(named: "ollama-sim"), arguments: ["--port", "0", "--token-delay-ms", "0"]
            ) { sim in
                let state = try TemporaryDirectory(prefix: "drift-monitor")
                var port = try LoopbackPort.free()
                while port + 1000 > 65535 || LoopbackPort.isListening(port + 1000) { port = try LoopbackPort.free() }
                let local = LocalEnvironment.forSpec(name: "dev", port: port, stateDirectory: state.path)
                let keysFile = state.path("keys.json")
                _ = try APIKeyStore(path: keysFile).create(name: "test", scopes: ["*"])
                do {
                    try await Self.exercise(local, sim: sim, keysFile: keysFile, state: state, port: port, configuration: configuration)
                } catch {
                    await local.down()
                    throw error
                }
                await local.down()
            }
        }
    }

    /// Deploys a slot, kills it, and checks the monitor's rounds against it.
    static func exercise(
        _ local: LocalEnvironment, sim: BackgroundProcess, keysFile: String, state: TemporaryDirectory, port: Int,
        configuration: DatabaseConfiguration
    ) async throws {
                try await local.up()
                let slot = try await local.deploy(SlotLaunch(
                    releaseID: "r1", executable: try BuiltExecutable.path(named: "model-serve"),
                    arguments: ["serve", "--ollama", "http://127.0.0.1:\(sim.port)", "--model", "sim-small", "--keys-file", keysFile,
                                "--release-id", "r1", "--health-interval", "200ms"]
                ), into: .blue)
                try await local.setWeights([.blue: 100])

                try await Ledger.withLedger(configuration, logger: TestDatabase.logger) { ledger in
                    let monitor = EnvironmentDriftMonitor(ledger: ledger, stateDirectory: state.path, actor: "drift-test", logger: TestDatabase.logger)
                    let clean = try await monitor.check("dev", port: port, heal: true)
                    #expect(clean == DriftReport())

                    kill(slot.pid, SIGKILL)
                    while DetachedProcess.isAlive(slot.pid) {
                        DetachedProcess.reap(slot.pid)
                        try await Task.sleep(for: .milliseconds(10))
                    }
                    // Without self-heal: reported and recorded, once however often it is seen.
                    let seen = try await monitor.check("dev", port: port, heal: false)
                    #expect(seen?.found == [.slotDown(.blue, release: "r1")])
                    _ = try await monitor.check("dev", port: port, heal: false, last: seen ?? DriftReport())
                    // While a promotion holds the environment, the monitor stands aside.
                    let skipped = try await ledger.withLock("environment:dev") {
                        try await monitor.check("dev", port: port, heal: true)
                    }
                    #expect(skipped == nil)
                    #expect(local.slots.running(.blue) == nil)
                    // With self-heal: started again and recorded with what was done.
                    let healed = try await monitor.check("dev", port: port, heal: true, last: seen ?? DriftReport())
                    #expect(healed?.repaired == ["started the blue slot (r1) again"])
                    #expect(local.slots.running(.blue) != nil)
                }
                let events = try await TestDatabase.column(
                    "SELECT payload::jsonb->>'selfHeal' || ' ' || (payload::jsonb->'repaired')::text FROM events WHERE kind = 'environment.drift' ORDER BY seq",
                    on: configuration
                )
                #expect(events == ["false []", #"true ["started the blue slot (r1) again"]"#])
    }
}
