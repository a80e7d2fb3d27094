import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTestSupport
import Testing

@Suite("slipway release show against a real PostgreSQL")
struct ReleaseShowCommandTests {
    static let commit = String(repeating: "1a", count: 20)
    static let blockedCommit = String(repeating: "2b", count: 20)
    static let binaryDigest = "sha256:" + String(repeating: "01", count: 32)
    static let imageDigest = "sha256:" + String(repeating: "02", count: 32)
    static let sbomDigest = "sha256:" + String(repeating: "03", count: 32)
    static let reportDigest = "sha256:" + String(repeating: "04", count: 32)
    static let modelDigest = String(repeating: "5e", count: 32)

    /// A release the way the engine records one: its build's artifacts and scans, promoted to dev
    /// and staging, each with a model step that left the model's name and digest; and a second
    /// run whose scan failed, so it was never promoted.
    static func seed(_ configuration: DatabaseConfiguration) async throws {
        try await Ledger.withLedger(configuration, logger: TestDatabase.logger) { ledger in
            try await ledger.transaction { tx in
                let run = try await tx.createRun(NewRun(
                    pipeline: "model-serve", commitSHA: commit, branch: "main", trigger: .webhook, triggeredBy: "ada",
                    commitAuthor: "Ada <ada@example.com>"
                )).run
                _ = try await tx.moveRun(id: run.id, to: .running, actor: "slipway")
                for (name, kind, location, digest, size) in [
                    ("binary", "binary", "/state/artifacts/1/binary", binaryDigest, Int64?(4096)),
                    ("image", "image", "127.0.0.1:5000/model-serve@\(imageDigest)", imageDigest, nil),
                    ("sbom", "sbom", "/state/artifacts/1/sbom", sbomDigest, Int64?(2048)),
                ] {
                    try await tx.recordArtifact(runID: run.id, name: name, kind: kind, location: location, digest: digest, sizeBytes: size, actor: "slipway")
                }
                try await tx.recordScan(NewScan(
                    runID: run.id, name: "sbom", kind: .sbom, tool: "syft", status: .passed,
                    counts: .object(["packages": .number(42)]), summary: "42 packages (42 library) in image", reportDigest: sbomDigest
                ), actor: "slipway")
                try await tx.recordScan(NewScan(
                    runID: run.id, name: "trivy", kind: .vulnerabilities, tool: "trivy", status: .passed,
                    summary: "2 medium; none fails the policy (failOn: high)", reportDigest: reportDigest
                ), actor: "slipway")
                for environment in ["dev", "staging"] {
                    let promotion = try await tx.createPromotion(
                        run: run, environment: environment, releaseID: "model-serve-\(commit.prefix(12))", strategy: "blueGreen", actor: "ada"
                    )
                    _ = try await tx.movePromotion(id: promotion.id, to: .progressing, actor: "slipway")
                    let steps = try await tx.planSteps(promotionID: promotion.id, [
                        PlannedStep(kind: .model, name: "model ramsey-model"), PlannedStep(kind: .deploy, name: "deploy"),
                    ], actor: "slipway")
                    _ = try await tx.startStep(id: steps[0].id, actor: "slipway")
                    _ = try await tx.finishStep(id: steps[0].id, status: .succeeded, result: .object([
                        "model": .string("ramsey-model:0c1d2e3f4a5b"), "digest": .string(modelDigest), "endpoints": .array([]),
                    ]), actor: "slipway")
                    _ = try await tx.movePromotion(id: promotion.id, to: .succeeded, actor: "slipway")
                }
                _ = try await tx.moveRun(id: run.id, to: .succeeded, actor: "slipway")

                let blocked = try await tx.createRun(NewRun(
                    pipeline: "model-serve", commitSHA: blockedCommit, branch: "main", trigger: .poll, triggeredBy: "slipway"
                )).run
                _ = try await tx.moveRun(id: blocked.id, to: .running, actor: "slipway")
                try await tx.recordScan(NewScan(
                    runID: blocked.id, name: "grype", kind: .vulnerabilities, tool: "grype", status: .failed,
                    summary: "1 critical; 1 fails the policy (failOn: critical): CVE-2023-45853 (zlib1g 1:1.2.13.dfsg-1)",
                    reportDigest: reportDigest
                ), actor: "slipway")
                _ = try await tx.moveRun(
                    id: blocked.id, to: .failed, failure: "build: scan grype: findings fail the policy\n  what to do: upgrade", actor: "slipway"
                )
            }
        }
    }

    @Test("the bill of a promoted release, by run number as a table and by release id as JSON")
    func promotedRelease() async throws {
        try await TestDatabase.withFreshDatabase { configuration in
            try await Self.seed(configuration)
            let table = try SlipwayBinary.run(["release", "show", "1", "--database-url", configuration.url])
            #expect(table.status == 0, "\(table.stderr)")
            let lines = table.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.first == "release model-serve-1a1a1a1a1a1a (run 1, succeeded)")
            #expect(lines.contains("  commit:    \(Self.commit) on main by Ada <ada@example.com>"))
            #expect(lines.contains("  model:     ramsey-model:0c1d2e3f4a5b (digest \(Self.modelDigest))"))
            #expect(lines.contains { $0.hasPrefix("ARTIFACT  KIND    DIGEST") })
            #expect(lines.contains { $0.hasPrefix("image     image   \(Self.imageDigest)  -     127.0.0.1:5000/model-serve@\(Self.imageDigest)") })
            #expect(lines.contains { $0.hasPrefix("sbom      sbom    \(Self.sbomDigest)  2048") })
            #expect(lines.contains { $0.hasPrefix("trivy  trivy  passed  \(Self.reportDigest)  2 medium; none fails") })
            #expect(lines.contains { $0.hasPrefix("staging      succeeded  blueGreen  ramsey-model:0c1d2e3f4a5b@5e5e5e5e5e5e") })

            let json = try SlipwayBinary.run([
                "release", "show", "model-serve-1a1a1a1a1a1a", "--output", "json", "--database-url", configuration.url,
            ])
            #expect(json.status == 0, "\(json.stderr)")
            let bill = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect((bill["run"] as? [String: Any])?["commitSHA"] as? String == Self.commit)
            #expect(bill["releaseID"] as? String == "model-serve-1a1a1a1a1a1a")
            let artifacts = bill["artifacts"] as? [[String: Any]] ?? []
            #expect(artifacts.map { $0["name"] as? String } == ["binary", "image", "sbom"])
            #expect(artifacts.map { $0["digest"] as? String } == [Self.binaryDigest, Self.imageDigest, Self.sbomDigest])
            let scans = bill["scans"] as? [[String: Any]] ?? []
            #expect(scans.map { $0["name"] as? String } == ["sbom", "trivy"])
            #expect(((scans.first?["counts"] as? [String: Any])?["packages"] as? Int) == 42)
            #expect((bill["model"] as? [String: Any])?["digest"] as? String == Self.modelDigest)
            let promotions = bill["promotions"] as? [[String: Any]] ?? []
            #expect(promotions.compactMap { ($0["promotion"] as? [String: Any])?["environment"] as? String } == ["dev", "staging"])
            #expect(promotions.allSatisfy { ($0["model"] as? [String: Any])?["name"] as? String == "ramsey-model:0c1d2e3f4a5b" })
        }
    }

    @Test("slipway history --provenance shows each promotion's artifact digests, scan verdicts and model")
    func historyProvenance() async throws {
        try await TestDatabase.withFreshDatabase { configuration in
            try await Self.seed(configuration)
            let table = try SlipwayBinary.run(["history", "--provenance", "--database-url", configuration.url])
            #expect(table.status == 0, "\(table.stderr)")
            let lines = table.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasSuffix("PROVENANCE") == true, "\(table.stdout)")
            let staging = try #require(lines.first { $0.hasPrefix("2 ") }, "\(table.stdout)")
            let expected = "binary sha256:\(Self.binaryDigest.dropFirst(7).prefix(12)) · image sha256:\(Self.imageDigest.dropFirst(7).prefix(12))"
                + " · sbom sha256:\(Self.sbomDigest.dropFirst(7).prefix(12)) · scans: sbom passed, trivy passed"
                + " · model ramsey-model:0c1d2e3f4a5b@\(Self.modelDigest.prefix(12))"
            #expect(staging.hasSuffix(expected), "\(staging)")
            let plain = try SlipwayBinary.run(["history", "--database-url", configuration.url])
            #expect(!plain.stdout.contains("PROVENANCE") && !plain.stdout.contains("sha256:"), "provenance only when asked")

            let json = try SlipwayBinary.run(["history", "--provenance", "--output", "json", "--database-url", configuration.url])
            #expect(json.status == 0, "\(json.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let promotions = report["promotions"] as? [[String: Any]] ?? []
            #expect(promotions.compactMap { $0["environment"] as? String } == ["staging", "dev"])
            let provenance = try #require(promotions.first?["provenance"] as? [String: Any])
            #expect(provenance["commit"] as? String == Self.commit)
            #expect((provenance["artifacts"] as? [[String: Any]])?.compactMap { $0["digest"] as? String } == [Self.binaryDigest, Self.imageDigest, Self.sbomDigest])
            #expect((provenance["scans"] as? [[String: Any]])?.compactMap { $0["status"] as? String } == ["passed", "passed"])
            #expect(provenance["model"] as? String == "ramsey-model:0c1d2e3f4a5b@\(Self.modelDigest)")
        }
    }

    @Test("a run a scan blocked shows why, with no promotions; an unknown release is one clear error")
    func blockedAndUnknown() async throws {
        try await TestDatabase.withFreshDatabase { configuration in
            try await Self.seed(configuration)
            let blocked = try SlipwayBinary.run(["release", "show", "model-serve-2b2b2b2b", "--database-url", configuration.url])
            #expect(blocked.status == 0, "\(blocked.stderr)")
            #expect(blocked.stdout.hasPrefix("release model-serve-2b2b2b2b2b2b (run 2, failed)\n"))
            #expect(blocked.stdout.contains("  failed:    build: scan grype: findings fail the policy\n               what to do: upgrade\n"))
            #expect(blocked.stdout.contains("artifacts: none recorded"))
            #expect(blocked.stdout.contains("grype  grype  failed  \(Self.reportDigest)  1 critical; 1 fails the policy"))
            #expect(blocked.stdout.hasSuffix("promotions: none\n"))
            #expect(!blocked.stdout.contains("model:"))

            for name in ["99", "model-serve-ffff", "no-such-release"] {
                let unknown = try SlipwayBinary.run(["release", "show", name, "--database-url", configuration.url])
                #expect(unknown.status == 1)
                #expect(unknown.stderr == "error: there is no release '\(name)'; name a run number or a release id as `slipway history` lists them\n")
                #expect(!unknown.looksLikeACrash)
            }
        }
    }
}
