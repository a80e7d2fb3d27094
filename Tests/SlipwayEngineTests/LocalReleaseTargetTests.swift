import Foundation
import SlipwayEngine
import SlipwaySystem
import SlipwayTargets
import SlipwayTestSupport
import Testing

@Suite("Local release target")
struct LocalReleaseTargetTests {
    @Test("a damaged releases.json stops every change with the file named, and nothing is started")
    func damagedPlacementsAreAnError() async throws {
        let state = try TemporaryDirectory(prefix: "release-target")
        let local = LocalEnvironment.forSpec(name: "dev", port: try LoopbackPort.free(), stateDirectory: state.path)
        try FileManager.default.createDirectory(atPath: local.directory, withIntermediateDirectories: true)
        try Data("{\"stable\": {\"releaseID\": ".utf8).write(to: URL(fileURLWithPath: local.directory + "/releases.json"))
        let target = LocalReleaseTarget(environment: local)
        let launch = ReleaseLaunch(
            releaseID: "r1", commitSHA: "abc", executable: try BuiltExecutable.path(named: "model-serve"), model: "sim-small",
            ollamaEndpoints: ["http://127.0.0.1:1"], keysFile: state.path("keys.json")
        )
        let error = await #expect(throws: LocalTargetError.self) { _ = try await target.deploy(launch) }
        #expect(error?.description.contains("releases.json is damaged") == true, "\(String(describing: error))")
        await #expect(throws: LocalTargetError.self) { try await target.promoteCandidate(release: "r1") }
        await #expect(throws: LocalTargetError.self) { try await target.rollBack(release: "r1") {} }
        #expect(local.haproxy.runningPID() == nil)
        #expect(local.slots.recorded(.blue) == nil && local.slots.recorded(.green) == nil)
    }
}
