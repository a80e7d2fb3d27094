import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwaySystem
import SlipwayTestSupport
import Testing

/// `slipway token`, `approve`, `reject` and `pending` as a release manager runs them, against a
/// real PostgreSQL: first on a promotion recorded the way the engine records one, then through
/// `slipway run` with a real repository, where the gate moves once an approval is recorded.
@Suite("slipway token, approve, reject and pending", .serialized)
struct ApprovalCommandTests {
    /// Ada's commit, started by ci, went through dev and waits at staging's gate: two release
    /// managers must approve, and a freeze window that holds now can be broken by on-call SREs.
    static func seedWaitingGate(_ configuration: DatabaseConfiguration) async throws -> Int64 {
        try await Ledger.withLedger(configuration, logger: TestDatabase.logger) { ledger in
            try await ledger.transaction { tx in
                let run = try await tx.createRun(NewRun(
                    pipeline: "model-serve", commitSHA: String(repeating: "a", count: 40), branch: "main", trigger: .manual,
                    triggeredBy: "ci", commitAuthor: "Ada <ada@example.com>"
                )).run
                try await tx.recordArtifact(
                    runID: run.id, name: "model-serve", kind: "binary", location: "/releases/model-serve",
                    digest: "sha256:" + String(repeating: "1", count: 64), sizeBytes: 1, actor: "ci"
                )
                let dev = try await tx.createPromotion(run: run, environment: "dev", releaseID: "model-serve-aaaaaaaaaaaa", strategy: "blueGreen", actor: "ci")
                try await tx.movePromotion(id: dev.id, to: .progressing, actor: "ci")
                try await tx.movePromotion(id: dev.id, to: .succeeded, actor: "ci")
                let staging = try await tx.createPromotion(
                    run: run, environment: "staging", releaseID: "model-serve-aaaaaaaaaaaa", strategy: "canary", actor: "ci"
                )
                let gate = try await tx.planSteps(promotionID: staging.id, [
                    PlannedStep(kind: .gate, name: "gate after dev", config: .object(["after": .string("dev"), "approval": .bool(true)])),
                ], actor: "ci")[0]
                _ = try await tx.startStep(id: gate.id, actor: "ci")
                try await tx.movePromotion(id: staging.id, to: .waiting, actor: "ci")
                try await tx.recordGateRequirements(promotionID: staging.id, GateRequirements(
                    afterStage: "dev",
                    approvals: ApprovalPolicy(required: 2, approvers: [.group("release-managers")], expiresAfter: .seconds(86_400)),
                    freeze: [FreezeWindow(
                        from: .once(year: 2020, month: 1, day: 1, hour: 0, minute: 0), to: .once(year: 2099, month: 1, day: 1, hour: 0, minute: 0),
                        timeZone: "UTC", reason: "the test freeze"
                    )],
                    breakGlass: BreakGlassPolicy(groups: ["sre-oncall"])
                ), actor: "ci")
                return staging.id
            }
        }
    }

    /// Makes a token with `slipway token create` and returns it.
    static func token(_ user: String, _ groups: [String], _ common: [String], expires: String? = nil) throws -> String {
        var arguments = ["token", "create", "--user", user] + groups.flatMap { ["--group", $0] } + common
        if let expires { arguments += ["--expires", expires] }
        let created = try SlipwayBinary.run(arguments)
        #expect(created.status == 0, "\(created.stderr)")
        return created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("token create prints the token once (alone on stdout); list shows who and state, never the token; revoke refuses it from then on")
    func tokenLifecycle() async throws {
        try await TestDatabase.withFreshDatabase { configuration in
            let common = ["--database-url", configuration.url]
            let created = try SlipwayBinary.run(["token", "create", "--user", "grace", "--group", "release-managers", "--group", "sre-oncall"] + common)
            #expect(created.status == 0, "\(created.stderr)")
            let token = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(created.stdout == token + "\n" && token.hasPrefix("slw_") && token.count == 47)
            #expect(created.stderr.contains("token 1 for grace (groups: release-managers, sre-oncall), expires "), "\(created.stderr)")
            #expect(created.stderr.contains("it is shown only now"))

            let list = try SlipwayBinary.run(["token", "list"] + common)
            #expect(list.status == 0, "\(list.stderr)")
            let lines = list.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("ID  USER   GROUPS                       STATE   CREATED") == true, "\(list.stdout)")
            #expect(lines.dropFirst().first?.hasPrefix("1   grace  release-managers,sre-oncall  active") == true, "\(list.stdout)")
            let json = try SlipwayBinary.run(["token", "list", "--output", "json"] + common)
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            #expect(rows.first?["user"] as? String == "grace" && rows.first?["state"] as? String == "active")
            for output in [list.stdout, json.stdout] {
                #expect(!output.contains(String(token.dropFirst(4))) && !output.contains("sha256"))
            }
            let everything = try await TestDatabase.column(
                "SELECT string_agg(t::text, ' ') FROM (SELECT * FROM api_tokens) t UNION ALL SELECT string_agg(e::text, ' ') FROM events e",
                on: configuration
            )
            #expect(!everything.contains { $0?.contains(String(token.dropFirst(4))) == true }, "the token is stored")

            let revoked = try SlipwayBinary.run(["token", "revoke", "1"] + common)
            #expect(revoked.status == 0 && revoked.stdout.hasPrefix("token 1 (grace) revoked at "), "\(revoked.stdout)\(revoked.stderr)")
            let after = try SlipwayBinary.run(["token", "list", "--output", "csv"] + common)
            #expect(after.stdout.contains(",revoked,"), "\(after.stdout)")
            let refused = try SlipwayBinary.run(["approve", "1"] + common, environment: ["SLIPWAY_TOKEN": token])
            #expect(refused.status == 1)
            #expect(refused.stderr.hasPrefix("error: token 1 (grace) was revoked on "), "\(refused.stderr)")
            #expect(try SlipwayBinary.run(["token", "revoke", "9"] + common).stderr.contains("there is no token 9"))

            let brief = try Self.token("linus", ["release-managers"], common, expires: "1s")
            try await Task.sleep(for: .milliseconds(1200))
            let expired = try SlipwayBinary.run(["approve", "1", "--token", brief] + common)
            #expect(expired.stderr.hasPrefix("error: token 2 (linus) expired on "), "\(expired.stderr)")
            let bad = try SlipwayBinary.run(["token", "create", "--user", "x", "--expires", "soon"] + common)
            #expect(bad.status != 0 && bad.stderr.contains("--expires takes a duration such as 30d"), "\(bad.stderr)")
            let prefixed = try SlipwayBinary.run(["token", "create", "--user", "x", "--group", "group:sre"] + common)
            #expect(prefixed.stderr.contains("write the group's name without 'group:' (--group sre)"), "\(prefixed.stderr)")
        }
    }

    @Test("approve and reject: a token is required and checked; the author and outsiders are refused; break glass only by on-call with a reason; pending shows the gate")
    func decisionsAtASeededGate() async throws {
        try await TestDatabase.withFreshDatabase { configuration in
            let promotion = try await Self.seedWaitingGate(configuration)
            let common = ["--database-url", configuration.url]
            let id = String(promotion)

            let noToken = try SlipwayBinary.run(["approve", id] + common)
            #expect(noToken.status == 1 && noToken.stderr.contains("set SLIPWAY_TOKEN or pass --token"), "\(noToken.stderr)")
            let typo = try SlipwayBinary.run(["approve", id, "--token", "slw_nope"] + common)
            #expect(typo.stderr == "error: that is not a Slipway token (one starts with slw_ and has 47 characters)\n", "\(typo.stderr)")

            let ada = try Self.token("ada", ["release-managers"], common)
            let mallory = try Self.token("mallory", ["devs"], common)
            let grace = try Self.token("grace", ["release-managers"], common)
            let sam = try Self.token("sam", ["sre-oncall"], common)
            let what = "promotion \(id) (model-serve-aaaaaaaaaaaa to staging)"

            let own = try SlipwayBinary.run(["approve", id] + common, environment: ["SLIPWAY_TOKEN": ada])
            #expect(own.stderr == "error: \(what): ada may not approve this release: ada wrote the commit (the approval policy forbids self-approval)\n")
            let outsider = try SlipwayBinary.run(["approve", id] + common, environment: ["SLIPWAY_TOKEN": mallory])
            #expect(outsider.stderr == "error: \(what): mallory is not one of the approvers (group release-managers)\n")

            let approved = try SlipwayBinary.run(["approve", id, "--comment", "canary looks fine"] + common, environment: ["SLIPWAY_TOKEN": grace])
            #expect(approved.status == 0, "\(approved.stderr)")
            #expect(approved.stdout == """
                \(what): approved by grace: canary looks fine
                gate: waiting: frozen until 2099-01-01 00:00 UTC: the test freeze · approvals: 1 of 2 (needs group release-managers); grace approved

                """, "\(approved.stdout)")

            let promote = try SlipwayBinary.run(["promote", "--env", "staging"] + common)
            #expect(promote.status == 1 && promote.stderr.contains("`slipway approve \(id)`"), "\(promote.stderr)")

            let noReason = try SlipwayBinary.run(["approve", id, "--break-glass"] + common, environment: ["SLIPWAY_TOKEN": sam])
            #expect(noReason.status != 0 && noReason.stderr.contains("--break-glass needs --reason"), "\(noReason.stderr)")
            let notOnCall = try SlipwayBinary.run(["approve", id, "--break-glass", "--reason", "urgent"] + common, environment: ["SLIPWAY_TOKEN": grace])
            #expect(notOnCall.stderr == "error: \(what): grace may not break glass here: only members of sre-oncall may\n")
            let glass = try SlipwayBinary.run(
                ["approve", id, "--break-glass", "--reason", "CVE-2026-1234 fix"] + common, environment: ["SLIPWAY_TOKEN": sam]
            )
            #expect(glass.status == 0, "\(glass.stderr)")
            #expect(glass.stdout == """
                \(what): freeze overridden by sam (break glass): CVE-2026-1234 fix
                gate: waiting: approvals: 1 of 2 (needs group release-managers); grace approved

                """, "\(glass.stdout)")

            let pending = try SlipwayBinary.run(["pending"] + common)
            #expect(pending.status == 0, "\(pending.stderr)")
            let lines = pending.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("promotion \(id): model-serve-aaaaaaaaaaaa to staging (pipeline model-serve), at its gate for ") == true, "\(pending.stdout)")
            #expect(lines.contains("  approvals: 1 of 2 (needs group release-managers); grace approved"), "\(pending.stdout)")
            #expect(lines.contains { $0.hasPrefix("  release: commit aaaaaaaaaaaa, model-serve sha256:111111111111, model none") })
            #expect(lines.contains { $0.hasPrefix("  approved by grace at ") && $0.hasSuffix(": canary looks fine") }, "\(pending.stdout)")
            #expect(lines.contains { $0.hasPrefix("  break glass by sam at ") && $0.hasSuffix(": CVE-2026-1234 fix") }, "\(pending.stdout)")
            #expect(lines.last == "  decide: slipway approve \(id) [--comment C] | slipway reject \(id) --comment C")

            let rejectWithout = try SlipwayBinary.run(["reject", id] + common, environment: ["SLIPWAY_TOKEN": grace])
            #expect(rejectWithout.status != 0 && rejectWithout.stderr.contains("--comment"), "\(rejectWithout.stderr)")
            let rejected = try SlipwayBinary.run(["reject", id, "--comment", "error budget spent"] + common, environment: ["SLIPWAY_TOKEN": grace])
            #expect(rejected.stdout == """
                \(what): rejected by grace: error budget spent
                gate: rejected by grace: error budget spent; the promotion fails (it moved no traffic)

                """, "\(rejected.stdout)\(rejected.stderr)")

            let json = try SlipwayBinary.run(["pending", "--output", "json"] + common)
            let items = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items.first?["promotion"] as? Int == Int(promotion) && items.first?["gate"] as? String == "rejected")
            #expect(items.first?["waitingFor"] as? [String] == ["rejected by grace: error budget spent; the promotion fails when its runner next looks"])
            let decisions = items.first?["decisions"] as? [[String: Any]]
            #expect(decisions?.map { $0["user"] as? String } == ["grace", "sam", "grace"])
            #expect(decisions?.map { $0["counts"] as? Bool } == [true, false, false])

            let kinds = try await TestDatabase.column(
                "SELECT kind || ' ' || actor FROM events WHERE kind LIKE 'approval.%' ORDER BY seq", on: configuration
            )
            #expect(kinds == ["approval.approved grace", "approval.break_glass sam", "approval.rejected grace"])
            let verify = try SlipwayBinary.run(["audit", "verify"] + common)
            #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        }
    }

    @Test("through slipway run: the run waits at staging's approval gate, a release manager's approval opens it, the run finishes")
    func approvalThroughARun() async throws {
        try await TestDatabase.withFreshDatabase { (configuration: DatabaseConfiguration) in
            try await BackgroundProcess.withProcess(
                executable: try BuiltExecutable.path(named: "ollama-sim"), arguments: ["--port", "0", "--token-delay-ms", "0"]
            ) { sim in
                let (repository, _, _) = try RunCommandTests.makeRepository(
                    simPort: sim.port, stagingSteps: "[ { setWeight: 100 } ]", stagingGate: "{ stage: dev, approval: true }"
                )
                let state = try TemporaryDirectory(prefix: "slipway-state")
                let common = ["--repo", repository.path, "--database-url", configuration.url, "--state-dir", state.path]
                defer { _ = try? SlipwayBinary.run(["down"] + common) }
                let log = state.path("run.log")
                let runner = try DetachedProcess.spawn(
                    executable: try BuiltExecutable.path(named: "slipway"), arguments: ["run", "--actor", "ci-bot"] + common, environment: ProcessInfo.processInfo.environment, logPath: log
                )
                let waiting = try await RunCommandTests.waitForLog(log, toContain: "[staging] 1. gate after dev: \(RunCommandTests.waitingForApproval)", while: runner)
                #expect(waiting.contains(RunCommandTests.waitingForApproval), "\(waiting)")
                let id = try #require(try await TestDatabase.column("SELECT id::text FROM promotions WHERE environment = 'staging'", on: configuration).first ?? nil)

                let pending = try SlipwayBinary.run(["pending", "--output", "json"] + common)
                let items = try #require(try JSONSerialization.jsonObject(with: Data(pending.stdout.utf8)) as? [[String: Any]])
                #expect(items.first?["promotion"] as? Int == Int(id))
                #expect(items.first?["waitingFor"] as? [String] == [RunCommandTests.waitingForApproval])
                let sha = try repository.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
                #expect((items.first?["release"] as? [String: Any])?["commit"] as? String == sha)

                // The commit's author (TemporaryGitRepository's Ada) and the run's starter may not approve.
                for (user, why) in [("ada", "ada wrote the commit"), ("ci-bot", "ci-bot started the run")] {
                    let token = try Self.token(user, ["release-managers"], common)
                    let refused = try SlipwayBinary.run(["approve", id] + common, environment: ["SLIPWAY_TOKEN": token])
                    #expect(refused.status == 1 && refused.stderr.contains(why), "\(refused.stderr)")
                }
                let grace = try Self.token("grace", ["release-managers"], common)
                let approved = try SlipwayBinary.run(["approve", id, "--comment", "dev looks good"] + common, environment: ["SLIPWAY_TOKEN": grace])
                #expect(approved.status == 0, "\(approved.stderr)")
                #expect(approved.stdout.contains("gate: open; a runner waiting at it moves on within a second (approved by grace)"), "\(approved.stdout)")
                let opened = try await RunCommandTests.waitForLog(log, toContain: "[staging] 1. gate after dev: succeeded", while: runner)
                #expect(opened.contains("[staging] 1. gate after dev: succeeded"), "\(opened)")
                // The gate's end follows the approval in the ledger; how soon is measured by
                // scripts/bench-approval.sh (a timed assertion here would fail on a busy machine).
                let seconds = try await TestDatabase.column("""
                    SELECT extract(epoch FROM s.finished_at - a.created_at)::text FROM approvals a
                    JOIN promotion_steps s ON s.promotion_id = a.promotion_id AND s.kind = 'gate'
                    """, on: configuration)
                let latency = try #require(seconds.first.flatMap { $0 }.flatMap(Double.init))
                #expect(latency >= 0, "the gate ended \(-latency) s before the approval")

                let status = await DetachedProcess.wait(runner)
                let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                #expect(status == 0, "\(output)")
                #expect(output.contains("[staging] promotion succeeded"), "\(output)")
                let evidence = try await TestDatabase.column(
                    "SELECT result::text FROM promotion_steps WHERE kind = 'gate'", on: configuration
                )
                #expect(evidence.first??.contains(#""approvedBy": ["grace"]"#) == true, "\(evidence)")
                #expect(try SlipwayBinary.run(["pending"] + common).stdout == "no promotion is waiting at a gate\n")
            }
        }
    }

    @Test("through slipway run: a rejection fails the promotion at its gate, before any traffic moved")
    func rejectionThroughARun() async throws {
        try await TestDatabase.withFreshDatabase { (configuration: DatabaseConfiguration) in
            try await BackgroundProcess.withProcess(
                executable: try BuiltExecutable.path(named: "ollama-sim"), arguments: ["--port", "0", "--token-delay-ms", "0"]
            ) { sim in
                let (repository, _, _) = try RunCommandTests.makeRepository(
                    simPort: sim.port, stagingSteps: "[ { setWeight: 100 } ]", stagingGate: "{ stage: dev, approval: true }"
                )
                let state = try TemporaryDirectory(prefix: "slipway-state")
                let common = ["--repo", repository.path, "--database-url", configuration.url, "--state-dir", state.path]
                defer { _ = try? SlipwayBinary.run(["down"] + common) }
                let log = state.path("run.log")
                let runner = try DetachedProcess.spawn(executable: try BuiltExecutable.path(named: "slipway"), arguments: ["run"] + common, environment: ProcessInfo.processInfo.environment, logPath: log)
                _ = try await RunCommandTests.waitForLog(log, toContain: RunCommandTests.waitingForApproval, while: runner)
                let id = try #require(try await TestDatabase.column("SELECT id::text FROM promotions WHERE environment = 'staging'", on: configuration).first ?? nil)
                let margaret = try Self.token("margaret", ["release-managers"], common)
                let rejected = try SlipwayBinary.run(["reject", id, "--comment", "the error budget is spent"] + common, environment: ["SLIPWAY_TOKEN": margaret])
                #expect(rejected.status == 0, "\(rejected.stderr)")
                let status = await DetachedProcess.wait(runner)
                let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                #expect(status != 0)
                #expect(output.contains("[staging] promotion failed: gate after dev: rejected by margaret: the error budget is spent"), "\(output)")
                let steps = try await TestDatabase.column("""
                    SELECT s.kind || ' ' || s.status FROM promotion_steps s JOIN promotions p ON p.id = s.promotion_id
                    WHERE p.environment = 'staging' ORDER BY s.ordinal
                    """, on: configuration).map { $0 ?? "NULL" }
                #expect(steps.first == "gate failed")
                #expect(steps.dropFirst().allSatisfy { $0.hasSuffix(" skipped") }, "\(steps)")
                let runs = try await TestDatabase.column("SELECT status FROM runs", on: configuration)
                #expect(runs == ["failed"])
            }
        }
    }
}
