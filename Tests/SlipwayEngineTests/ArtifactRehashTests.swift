import Foundation
import SlipwayCore
import SlipwaySystem
@testable import SlipwayEngine
import SlipwayLedger
import SlipwayTestSupport
import Testing

/// A kept release's binary is hashed again before it starts: one changed on disk is never run.
@Suite("Artifacts re-hashed before they start")
struct ArtifactRehashTests {
    /// A small executable file to keep, and its digest.
    static func artifact(in scratch: TemporaryDirectory) throws -> (path: String, digest: String) {
        let path = scratch.path("build/model-serve")
        try FileManager.default.createDirectory(atPath: scratch.path("build"), withIntermediateDirectories: true)
        try "#!/bin/sh\necho release\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return (path, try FileDigest.sha256(path: path).digest)
    }

    /// Appends a byte to `path`, as someone with write access to the state directory would.
    static func tamper(_ path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("#".utf8))
        try handle.close()
    }

    @Test("keep records the copy's digest; an untouched copy verifies, a changed one is refused with both digests")
    func keptCopyVerified() throws {
        let scratch = try TemporaryDirectory()
        let (path, digest) = try Self.artifact(in: scratch)
        let store = ReleaseStore(directory: scratch.path("env"))
        let kept = try store.keep(artifact: path, release: "r1", commitSHA: String(repeating: "a", count: 40), model: "m", digest: digest)
        #expect(kept.digest == digest)
        #expect(store.kept(release: "r1")?.digest == digest)
        try ReleaseStore.verifyBeforeStart(executable: kept.executable)

        try Self.tamper(kept.executable)
        #expect {
            try ReleaseStore.verifyBeforeStart(executable: kept.executable)
        } throws: { error in
            let text = "\(error)"
            return error is ReleaseStore.TamperedRelease && text.contains(digest) && text.contains("was changed after it was built")
        }
        // Keeping it again with the build's digest refuses the changed copy too.
        #expect(throws: ReleaseStore.TamperedRelease.self) {
            _ = try store.keep(artifact: path, release: "r1", commitSHA: String(repeating: "a", count: 40), model: "m", digest: digest)
        }
    }

    @Test("an artifact whose bytes are not the build's digest is not kept")
    func wrongDigestNotKept() throws {
        let scratch = try TemporaryDirectory()
        let (path, _) = try Self.artifact(in: scratch)
        let store = ReleaseStore(directory: scratch.path("env"))
        let recorded = "sha256:" + String(repeating: "0", count: 64)
        #expect(throws: ReleaseStore.TamperedRelease.self) {
            _ = try store.keep(artifact: path, release: "r2", commitSHA: String(repeating: "a", count: 40), model: "m", digest: recorded)
        }
        #expect(store.kept(release: "r2") == nil)
    }

    @Test("a kept binary changed on disk: its deploy step fails saying so, and the live release keeps the traffic")
    func tamperedDeployFails() async throws {
        try await PromotionDriverTests.withWorld { world in
            let (first, _) = try await world.promote("r1", to: "dev", sim: world.healthySim, commit: 1)
            #expect(first == .succeeded)
            #expect(try await world.liveRelease() == "r1")

            let scratch = try TemporaryDirectory()
            let binary = try BuiltExecutable.path(named: "model-serve")
            let kept = try ReleaseStore(directory: scratch.path("env")).keep(
                artifact: binary, release: "r2", commitSHA: String(repeating: "a", count: 40), model: "sim-small",
                digest: try FileDigest.sha256(path: binary).digest
            )
            try Self.tamper(kept.executable)

            let (second, record) = try await world.promote("r2", to: "dev", sim: world.healthySim, commit: 2, executable: kept.executable)
            #expect(second.isFinished && second != .succeeded)
            let steps = try await world.ledger.transaction { tx in try await tx.steps(promotionID: record.id) }
            let deploy = try #require(steps.first { $0.kind == "deploy" })
            #expect(deploy.status == .failed)
            #expect(deploy.logTail?.contains("does not match its recorded digest") == true, "\(String(describing: deploy.logTail))")
            #expect(try await world.liveRelease() == "r1")
            #expect(await world.target.state().candidate == nil)
        }
    }
}
