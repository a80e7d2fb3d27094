import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTestSupport
import Testing

/// `slipway audit verify` checks the chain's signed checkpoints with the key the CLI signs with.
@Suite("audit verify: signed checkpoints")
struct AuditCheckpointCommandTests {
    /// Appends three events through the CLI (three tokens made), each transaction signed with the state directory's key.
    static func appendThroughTheCLI(_ common: [String]) throws {
        for user in ["grace", "linus", "sam"] {
            let made = try SlipwayBinary.run(["token", "create", "--user", user, "--group", "release-managers"] + common)
            #expect(made.status == 0, "\(made.stderr)")
        }
    }

    @Test("the CLI signs what it appends; verify names the latest checkpoint; a cut tail fails without --expect-head, naming the checkpoint")
    func truncatedTail() async throws {
        try await TestDatabase.withFreshDatabase { configuration in
            let state = try TemporaryDirectory()
            let common = ["--database-url", configuration.url, "--state-dir", state.path]
            try Self.appendThroughTheCLI(common)
            let keyMode = try FileManager.default.attributesOfItem(atPath: state.path("ledger-signing.key"))[.posixPermissions] as? Int
            #expect(keyMode == 0o600)
            let ok = try SlipwayBinary.run(["audit", "verify"] + common)
            #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
            #expect(ok.stdout.contains("ok: 3 events verified, chain intact"))
            #expect(ok.stdout.contains("latest signed checkpoint: checkpoint 3 (event 3,"))

            // The public key alone verifies too (an auditor's machine holds no private key).
            let publicKey = try SlipwayBinary.run(["audit", "public-key"] + common)
            #expect(publicKey.stdout.hasPrefix("slipway-ledger-public-key-v1\n"))
            let publicPath = state.path("auditor.pub")
            try publicKey.stdout.write(toFile: publicPath, atomically: true, encoding: .utf8)
            let other = try TemporaryDirectory()
            let byAuditor = try SlipwayBinary.run([
                "audit", "verify", "--database-url", configuration.url, "--state-dir", other.path, "--public-key", publicPath,
                "--checkpoint-file", state.path("ledger-checkpoint.json"),
            ])
            #expect(byAuditor.status == 0, "\(byAuditor.stdout)\(byAuditor.stderr)")
            #expect(!FileManager.default.fileExists(atPath: other.path("ledger-signing.key")), "verifying makes no key")

            try await TestDatabase.execute("SET session_replication_role = replica", "DELETE FROM events WHERE seq = 3", on: configuration)
            let cut = try SlipwayBinary.run(["audit", "verify"] + common)
            #expect(cut.status == 1)
            #expect(cut.stdout.contains("checkpoint check failed: checkpoint 3 (event 3,"))
            #expect(cut.stdout.contains("the ledger ends at event 2: events were removed from the end"))
            let json = try SlipwayBinary.run(["audit", "verify", "--output", "json"] + common)
            let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect(report?["intact"] as? Bool == false)
            #expect(((report?["checkpoints"] as? [String: Any])?["problems"] as? [String])?.isEmpty == false)
        }
    }

    @Test("an approvals row inserted by SQL makes verify fail, naming the row")
    func unboundApproval() async throws {
        try await TestDatabase.withFreshDatabase { configuration in
            let state = try TemporaryDirectory()
            let common = ["--database-url", configuration.url, "--state-dir", state.path]
            try Self.appendThroughTheCLI(common)
            try await TestDatabase.execute(
                "INSERT INTO runs (pipeline, commit_sha, branch, trigger, triggered_by) VALUES ('p', '\(String(repeating: "a", count: 40))', 'main', 'manual', 'ada')",
                "INSERT INTO promotions (run_id, pipeline, environment, commit_sha, release_id, strategy, triggered_by) SELECT id, 'p', 'prod', commit_sha, 'r', 'blueGreen', 'ada' FROM runs",
                """
                INSERT INTO approvals (promotion_id, approver, decision, release, release_digest, created_at)
                SELECT id, 'mallory', 'approved', '{}', 'sha256:\(String(repeating: "0", count: 64))', now() FROM promotions
                """,
                on: configuration
            )
            let verify = try SlipwayBinary.run(["audit", "verify"] + common)
            #expect(verify.status == 1)
            #expect(verify.stdout.contains("not in the chain: approval 1 of promotion 1 by mallory (approved): approvals row 1 has no matching event in the chain"))
        }
    }

    @Test("with no key to check with, verify says where it looked and what to pass")
    func keyMissing() async throws {
        try await TestDatabase.withFreshDatabase { configuration in
            let state = try TemporaryDirectory()
            let missing = try SlipwayBinary.run(["audit", "verify", "--database-url", configuration.url, "--state-dir", state.path])
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("there is no ledger signing key at \(state.path)/ledger-signing.key"))
            #expect(missing.stderr.contains("--public-key FILE"))
            #expect(!missing.looksLikeACrash)
            let wrongFile = try SlipwayBinary.run([
                "audit", "verify", "--database-url", configuration.url, "--state-dir", state.path, "--public-key", state.path("nope.pub"),
            ])
            #expect(wrongFile.status == 1)
            #expect(wrongFile.stderr.contains("the ledger public key \(state.path)/nope.pub does not exist"))
        }
    }
}
