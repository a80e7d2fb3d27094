import Foundation
import SlipwayLedger
import SlipwaySystem
import SlipwayTestSupport
import Testing

/// The commit being promoted is not trusted: it cannot loosen the gate that judges it. Release 1
/// goes to staging through a gate of one approval from release managers; later commits that drop
/// the approvals, or skip dev, are judged by the policy release 1 put in effect. The real binary,
/// git, PostgreSQL, HAProxy, model-serve slots and ollama-sim.
@Suite("policy in effect", .serialized)
struct PolicyInEffectTests {
    /// `slipway run` in the background until it waits at staging's approval gate; the runner's pid and log.
    static func runUntilApproval(_ common: [String], state: TemporaryDirectory, name: String) async throws -> (pid_t, String) {
        let log = state.path("\(name).log")
        let runner = try DetachedProcess.spawn(
            executable: try BuiltExecutable.path(named: "slipway"), arguments: ["run", "--actor", "ci-bot"] + common,
            environment: ProcessInfo.processInfo.environment, logPath: log
        )
        let output = try await RunCommandTests.waitForLog(log, toContain: RunCommandTests.waitingForApproval, while: runner)
        #expect(output.contains("[staging] 1. gate after dev: \(RunCommandTests.waitingForApproval)"), "\(output)")
        return (runner, log)
    }

    static func approveStaging(_ common: [String], token: String, configuration: DatabaseConfiguration) async throws {
        let id = try #require(try await TestDatabase.column(
            "SELECT id::text FROM promotions WHERE environment = 'staging' ORDER BY id DESC LIMIT 1", on: configuration
        ).first ?? nil)
        let approved = try SlipwayBinary.run(["approve", id, "--comment", "ok"] + common, environment: ["SLIPWAY_TOKEN": token])
        #expect(approved.status == 0, "\(approved.stderr)")
    }

    /// A repository released dev → staging (blue/green to dev, a one-step canary to staging
    /// after `stagingGate`), with a database, an ollama-sim and a state directory.
    struct World {
        var configuration: DatabaseConfiguration
        var simPort: Int
        var repository: TemporaryGitRepository
        var stagingPort: Int
        var state: TemporaryDirectory
        var common: [String]
    }

    static func withWorld(stagingGate: String = "{ stage: dev }", _ body: (World) async throws -> Void) async throws {
        try await TestDatabase.withFreshDatabase { (configuration: DatabaseConfiguration) in
            try await BackgroundProcess.withProcess(
                executable: try BuiltExecutable.path(named: "ollama-sim"), arguments: ["--port", "0", "--token-delay-ms", "0"]
            ) { sim in
                let (repository, _, stagingPort) = try RunCommandTests.makeRepository(
                    simPort: sim.port, stagingSteps: "[ { setWeight: 100 } ]", stagingGate: stagingGate
                )
                let state = try TemporaryDirectory(prefix: "slipway-state")
                let common = ["--repo", repository.path, "--database-url", configuration.url, "--state-dir", state.path]
                defer { _ = try? SlipwayBinary.run(["down"] + common) }
                try await body(World(
                    configuration: configuration, simPort: sim.port, repository: repository, stagingPort: stagingPort, state: state,
                    common: common
                ))
            }
        }
    }

    @Test("a later commit that drops staging's approvals and approval: true still waits for the approval in effect; one that skips dev is refused")
    func loosenedGatesStillHold() async throws {
        try await Self.withWorld(stagingGate: "{ stage: dev, approval: true }") { world in
            let (configuration, repository, stagingPort, state, common) = (
                world.configuration, world.repository, world.stagingPort, world.state, world.common
            )
            let grace = try ApprovalCommandTests.token("grace", ["release-managers"], common)

            // Release 1: approved, live in staging; its policy bootstraps dev and staging.
            let (first, _) = try await Self.runUntilApproval(common, state: state, name: "first")
            try await Self.approveStaging(common, token: grace, configuration: configuration)
            #expect(await DetachedProcess.wait(first) == 0)
            let bootstrapped = try await TestDatabase.column(
                "SELECT subject FROM events WHERE kind = 'policy.bootstrapped' ORDER BY seq", on: configuration
            )
            #expect(bootstrapped == ["environment/dev", "environment/staging"])

            // Release 2: Eve's commit, then one by Mallory: no approvals in staging.yaml, no approval: true in the stage.
            try repository.write("NOTES.md", "an unrelated change\n")
            _ = try repository.commit("notes", author: "Eve Example <eve@example.com>")
            try repository.write("environments/staging.yaml", RunCommandTests.environmentSpec(
                name: "staging", order: 2, port: stagingPort, simPort: world.simPort, approvals: nil
            ))
            let pipeline = try String(contentsOfFile: repository.path + "/pipelines/model-serve.yaml", encoding: .utf8)
            try repository.write("pipelines/model-serve.yaml", pipeline.replacingOccurrences(
                of: "after: { stage: dev, approval: true }", with: "after: { stage: dev }"
            ))
            let tip = try repository.commit("staging needs no approval", author: "Mallory <mallory@example.com>")
            // Pat pushed it: the signed delivery `slipway serve` recorded names the pusher and the commit.
            try await Ledger.withLedger(configuration, logger: TestDatabase.logger) { ledger in
                try await ledger.transaction { tx in
                    _ = try await tx.recordWebhookDelivery(NewWebhookDelivery(
                        provider: .github, deliveryID: "push-1", event: "push", ref: "refs/heads/main", outcome: .triggered,
                        bodyDigest: "sha256:" + String(repeating: "0", count: 64), afterSHA: tip,
                        pushers: ["Pat Pusher <pat@example.com>", "patp"]
                    ))
                }
            }
            let plan = try SlipwayBinary.run(["plan", "--policy"] + common)
            #expect(plan.status == 0, "\(plan.stderr)")
            #expect(plan.stdout.contains("policy staging: this release changes staging's policy; it needs the approvals of the policy of promotion 2"), "\(plan.stdout)")
            #expect(plan.stdout.contains("    gate.approval: true → false"), "\(plan.stdout)")
            #expect(plan.stdout.contains("policy dev: the policy of promotion 1"), "\(plan.stdout)")
            let (second, _) = try await Self.runUntilApproval(common, state: state, name: "second")
            let pending = try SlipwayBinary.run(["pending"] + common)
            #expect(pending.stdout.contains("this release changes staging's policy (against the policy of promotion 2"), "\(pending.stdout)")
            #expect(pending.stdout.contains("environment.approvals: {"), "\(pending.stdout)")
            #expect(pending.stdout.contains("gate.approval: true → false"), "\(pending.stdout)")
            let json = try SlipwayBinary.run(["pending", "--output", "json"] + common)
            let items = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            #expect((items.first?["policy"] as? String)?.hasPrefix("policy of promotion 2 (commit ") == true, "\(json.stdout)")
            // Mallory wrote the commit: she may not approve it, whatever her groups.
            let mallory = try ApprovalCommandTests.token("mallory", ["release-managers"], common)
            let waitingID = try #require(try await TestDatabase.column(
                "SELECT id::text FROM promotions WHERE environment = 'staging' ORDER BY id DESC LIMIT 1", on: configuration
            ).first ?? nil)
            let refused = try SlipwayBinary.run(["approve", waitingID] + common, environment: ["SLIPWAY_TOKEN": mallory])
            #expect(refused.status != 0 && refused.stderr.contains("mallory wrote the commit"), "\(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("[rules: policy of promotion 2 (commit "), "the refusal names the policy version: \(refused.stderr)")
            // Eve wrote a commit this release brings (not its tip): she may not approve it either.
            let eve = try ApprovalCommandTests.token("eve", ["release-managers"], common)
            let eveRefused = try SlipwayBinary.run(["approve", waitingID] + common, environment: ["SLIPWAY_TOKEN": eve])
            #expect(
                eveRefused.status != 0 && eveRefused.stderr.contains("wrote, committed or pushed a commit of this release (Eve Example <eve@example.com>)"),
                "\(eveRefused.stdout)\(eveRefused.stderr)"
            )
            let pat = try ApprovalCommandTests.token("patp", ["release-managers"], common)
            let patRefused = try SlipwayBinary.run(["approve", waitingID] + common, environment: ["SLIPWAY_TOKEN": pat])
            #expect(patRefused.status != 0 && patRefused.stderr.contains("a commit of this release (patp)"), "\(patRefused.stderr)")
            try await Self.approveStaging(common, token: grace, configuration: configuration)
            #expect(await DetachedProcess.wait(second) == 0)
            let changed = try await TestDatabase.column(
                "SELECT payload::jsonb->'change'->>'environment' FROM events WHERE kind = 'policy.changed'", on: configuration
            )
            #expect(changed == ["staging"])

            // Release 3: the pipeline's only stage is staging — it would skip dev. Refused before building.
            let skipping = try String(contentsOfFile: repository.path + "/pipelines/model-serve.yaml", encoding: .utf8)
            let stages = try #require(skipping.range(of: "    - environment: dev"))
            let staging = try #require(skipping.range(of: "    - environment: staging"))
            let onlyStaging = skipping.replacingCharacters(in: stages.lowerBound..<staging.lowerBound, with: "")
                .replacingOccurrences(of: "      after: { stage: dev }\n", with: "")
            try repository.write("pipelines/model-serve.yaml", onlyStaging)
            _ = try repository.commit("straight to staging", author: "Mallory <mallory@example.com>")
            let refusedPlan = try SlipwayBinary.run(["plan", "--policy", "--output", "json"] + common)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(refusedPlan.stdout.utf8)) as? [String: Any])
            #expect(((report["policies"] as? [[String: Any]])?.first?["verdict"] as? String) == "refused", "\(refusedPlan.stdout)")
            let third = try SlipwayBinary.run(["run"] + common)
            #expect(third.status != 0)
            #expect(
                (third.stdout + third.stderr).contains("cannot promote to staging (order 2): a release reaches staging only through dev (order 1)"),
                "\(third.stdout)\(third.stderr)"
            )
            let runs = try await TestDatabase.column("SELECT status FROM runs ORDER BY id", on: configuration)
            #expect(runs == ["succeeded", "succeeded", "failed"])
            let verify = try SlipwayBinary.run(["audit", "verify"] + common)
            #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        }
    }

    static func trivyReport(severity: String) -> String {
        #"{"SchemaVersion": 2, "ArtifactName": "model-serve", "Results": [{"Target": "model-serve", "Vulnerabilities": ["#
            + #"{"VulnerabilityID": "CVE-2026-0001", "PkgName": "openssl", "InstalledVersion": "3.0.1", "FixedVersion": "3.0.2", "Severity": ""#
            + severity + #""}]}]}"#
    }

    @Test("a commit that raises its own scan's failOn is still held to the scan rules in effect: its high finding fails dev's promotion")
    func loosenedScanStillHolds() async throws {
        try await Self.withWorld { world in
            let (configuration, repository, common) = (world.configuration, world.repository, world.common)
            let path = repository.path + "/pipelines/model-serve.yaml"
            let pipeline = try String(contentsOfFile: path, encoding: .utf8)
            let scanned = pipeline.replacingOccurrences(
                of: "  model: { name: sim-small }", with: "  scan:\n    - { scanner: trivy, report: reports/trivy.json, failOn: high }\n  model: { name: sim-small }"
            )
            #expect(scanned != pipeline)
            try repository.write("pipelines/model-serve.yaml", scanned)
            try repository.write("reports/trivy.json", Self.trivyReport(severity: "MEDIUM"))
            _ = try repository.commit("scan with trivy")
            let first = try SlipwayBinary.run(["run"] + common)
            #expect(first.status == 0, "\(first.stdout)\(first.stderr)")

            // Release 2 raises its own failOn and brings a high finding.
            try repository.write("pipelines/model-serve.yaml", scanned.replacingOccurrences(of: "failOn: high", with: "failOn: critical"))
            try repository.write("reports/trivy.json", Self.trivyReport(severity: "HIGH"))
            _ = try repository.commit("only critical findings matter", author: "Mallory <mallory@example.com>")
            let second = try SlipwayBinary.run(["run"] + common)
            #expect(second.status != 0)
            let reason = try await TestDatabase.column(
                "SELECT reason FROM promotions WHERE environment = 'dev' ORDER BY id DESC LIMIT 1", on: configuration
            )
            #expect(reason.first??.hasPrefix("policy: scan trivy: 1 finding at or above high fail the policy in effect (failOn: high)") == true, "\(reason)")
            let scans = try await TestDatabase.column("SELECT status FROM scans ORDER BY id", on: configuration)
            #expect(scans == ["passed", "passed"], "the release's own scan passed it: \(scans)")
            let steps = try await TestDatabase.column(
                "SELECT count(*)::text FROM promotion_steps s JOIN promotions p ON p.id = s.promotion_id WHERE p.run_id = 2", on: configuration
            )
            #expect(steps == ["0"], "nothing was planned or moved")
        }
    }

    @Test("--policy-ref: environments come from a protected branch, so even a first release cannot drop its gate's approvals")
    func policyRef() async throws {
        try await Self.withWorld(stagingGate: "{ stage: dev, approval: true }") { world in
            let (configuration, repository, state, common) = (world.configuration, world.repository, world.state, world.common)
            _ = try repository.git(["branch", "policy"])
            try repository.write("environments/staging.yaml", RunCommandTests.environmentSpec(
                name: "staging", order: 2, port: world.stagingPort, simPort: world.simPort, approvals: nil
            ))
            _ = try repository.commit("staging needs no approval", author: "Mallory <mallory@example.com>")
            let (runner, _) = try await Self.runUntilApproval(common + ["--policy-ref", "policy"], state: state, name: "first")
            let grace = try ApprovalCommandTests.token("grace", ["release-managers"], common)
            try await Self.approveStaging(common, token: grace, configuration: configuration)
            #expect(await DetachedProcess.wait(runner) == 0)
            // What was put in effect is the protected branch's staging, with its approvals.
            let approvals = try await TestDatabase.column(
                "SELECT policy->'environment'->'approvals'->>'required' FROM environment_policies WHERE environment = 'staging'",
                on: configuration
            )
            #expect(approvals == ["1"])
            let missing = try SlipwayBinary.run(["run", "--policy-ref", "no-such-branch"] + common)
            #expect(missing.status != 0 && missing.stderr.contains("--policy-ref no-such-branch names nothing"), "\(missing.stderr)")
        }
    }
}
