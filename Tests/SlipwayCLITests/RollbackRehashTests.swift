import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwaySystem
import SlipwayTestSupport
import Testing

/// `slipway rollback` to a kept release hashes its binary again against the digest the ledger
/// recorded for its build before starting it.
@Suite("rollback re-hashes the kept binary")
struct RollbackRehashTests {
    @Test("a kept release whose binary changed on disk is not rolled back to; the live release stays")
    func tamperedKeptRelease() async throws {
        try await TestDatabase.withFreshDatabase { (configuration: DatabaseConfiguration) in
            try await BackgroundProcess.withProcess(
                executable: try BuiltExecutable.path(named: "ollama-sim"), arguments: ["--port", "0", "--token-delay-ms", "0"]
            ) { sim in
                let (repository, _, _) = try RunCommandTests.makeRepository(simPort: sim.port, stagingSteps: "[ { setWeight: 100 } ]")
                let firstCommit = try repository.git("rev-parse", "HEAD")
                let state = try TemporaryDirectory(prefix: "slipway-state")
                let common = ["--repo", repository.path, "--database-url", configuration.url, "--state-dir", state.path]
                defer { _ = try? SlipwayBinary.run(["down"] + common) }
                let first = try SlipwayBinary.run(["run"] + common)
                #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
                for version in ["v2", "v3"] {
                    try repository.write("src/app.txt", version)
                    _ = try repository.commit(version)
                    let run = try SlipwayBinary.run(["run"] + common)
                    #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
                }
                let firstRelease = "model-serve-\(firstCommit.prefix(12))"
                let folder = state.path("local/dev/releases/\(firstRelease)")
                let binary = try #require(try FileManager.default.contentsOfDirectory(atPath: folder).first { $0 != "release.json" && !$0.hasSuffix(".partial") })
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/" + binary))
                try handle.seekToEnd()
                try handle.write(contentsOf: Data("#".utf8))
                try handle.close()

                let liveBefore = try Self.live(common)
                let rolled = try SlipwayBinary.run(["rollback", "--env", "dev", "--to", firstRelease, "--reason", "test"] + common)
                #expect(rolled.status == 1)
                #expect(rolled.stderr.contains("cannot roll dev back to \(firstRelease)"), "\(rolled.stderr)")
                #expect(rolled.stderr.contains("the binary was changed after it was built; it is not started"))
                #expect(try Self.live(common) == liveBefore)
            }
        }
    }

    static func live(_ common: [String]) throws -> String? {
        let status = try SlipwayBinary.run(["status", "--env", "dev", "--output", "json"] + common)
        let rows = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]]
        return ((rows?.first?["state"] as? [String: Any])?["stable"] as? [String: Any])?["releaseID"] as? String
    }
}
