import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTestSupport
import Testing

/// The ledger migrated by its owner (the test server's superuser), used by a runtime role
/// granted ``Ledger/grantRuntimeAccess(to:)``: what Slipway runs as.
struct RuntimeLedger {
    var owner: DatabaseConfiguration
    var runtime: DatabaseConfiguration

    static func with(_ body: (RuntimeLedger) async throws -> Void) async throws {
        let role = "slipway_rt_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let password = "pw" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let server = try TestDatabase.server()
        try await TestDatabase.execute("CREATE ROLE \(role) LOGIN PASSWORD '\(password)'", on: server)
        do {
            try await TestDatabase.withFreshDatabase { owner in
                try await Ledger.withLedger(owner, logger: TestDatabase.logger) { ledger in
                    try await ledger.grantRuntimeAccess(to: role)
                }
                var runtime = owner
                runtime.username = role
                runtime.password = password
                try await body(RuntimeLedger(owner: owner, runtime: runtime))
            }
        } catch {
            try? await TestDatabase.execute("DROP ROLE IF EXISTS \(role)", on: server)
            throw error
        }
        try await TestDatabase.execute("DROP ROLE IF EXISTS \(role)", on: server)
    }
}

@Suite("The runtime role")
struct RuntimeRoleTests {
    @Test("the runtime role cannot UPDATE, DELETE or TRUNCATE events, approvals or checks, nor turn the append-only trigger off")
    func refused() async throws {
        try await RuntimeLedger.with { world in
            let statements = [
                "UPDATE events SET actor = 'mallory'", "DELETE FROM events", "TRUNCATE events",
                "ALTER TABLE events DISABLE TRIGGER events_append_only", "ALTER TABLE events DISABLE TRIGGER ALL",
                "UPDATE approvals SET approver = 'mallory'", "DELETE FROM approvals", "TRUNCATE approvals",
                "ALTER TABLE approvals DISABLE TRIGGER approvals_append_only",
                "UPDATE checks SET status = 'passed'", "DELETE FROM checks", "TRUNCATE checks",
                "DELETE FROM checkpoints", "TRUNCATE checkpoints", "UPDATE scans SET status = 'passed'",
                "UPDATE artifacts SET digest = 'x'", "DELETE FROM promotions", "UPDATE promotions SET commit_sha = 'x'",
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (99, 'x', 'x')",
                "DROP TABLE events", "SET session_replication_role = replica",
            ]
            for statement in statements {
                await #expect(throws: (any Error).self, "the runtime role should be refused: \(statement)") {
                    try await TestDatabase.execute(statement, on: world.runtime)
                }
            }
            // The same statement as the owner works (so the refusals above are the role's, not the SQL's).
            try await TestDatabase.execute("ALTER TABLE events DISABLE TRIGGER events_append_only", "ALTER TABLE events ENABLE TRIGGER events_append_only", on: world.owner)
        }
    }

    @Test("as the runtime role, a promotion goes through its gate with approvals, scans, artifacts, steps and signed checkpoints")
    func promotionFlow() async throws {
        try await RuntimeLedger.with { world in
            let scratch = try TemporaryDirectory()
            let signing = try LedgerSigning.inStateDirectory(scratch.path)
            try await Ledger.withLedger(world.runtime, logger: TestDatabase.logger, signing: signing) { ledger in
                let requirements = GateRequirements(
                    afterStage: "dev", approvals: ApprovalPolicy(required: 1, approvers: [.group("release-managers")], forbidSelfApproval: true)
                )
                let (staging, gate) = try await ledger.transaction { tx -> (PromotionRecord, StepRecord) in
                    let run = try await tx.createRun(newRun(by: "ci")).run
                    try await tx.moveRun(id: run.id, to: .running, actor: "ci")
                    try await tx.recordArtifact(
                        runID: run.id, name: "model-serve", kind: "binary", location: "/r/model-serve",
                        digest: "sha256:" + String(repeating: "1", count: 64), sizeBytes: 1, actor: "ci"
                    )
                    try await tx.recordScan(NewScan(
                        runID: run.id, name: "vulnerabilities", kind: .vulnerabilities, tool: "trivy", status: .passed,
                        counts: .object([:]), summary: "no findings"
                    ), actor: "ci")
                    let dev = try await tx.createPromotion(run: run, environment: "dev", releaseID: "r1", strategy: "blueGreen", actor: "ci")
                    try await tx.movePromotion(id: dev.id, to: .progressing, actor: "ci")
                    try await tx.movePromotion(id: dev.id, to: .succeeded, actor: "ci")
                    let staging = try await tx.createPromotion(run: run, environment: "staging", releaseID: "r1", strategy: "canary", actor: "ci")
                    let steps = try await tx.planSteps(promotionID: staging.id, [
                        PlannedStep(kind: .gate, name: "gate after dev"), PlannedStep(kind: .pause, name: "pause"),
                    ], actor: "ci")
                    _ = try await tx.startStep(id: steps[0].id, actor: "ci")
                    try await tx.movePromotion(id: staging.id, to: .waiting, actor: "ci")
                    try await tx.recordGateRequirements(promotionID: staging.id, requirements, actor: "ci")
                    return (staging, steps[0])
                }
                let issued = try await ledger.transaction { tx in
                    try await tx.createToken(user: "grace", groups: ["release-managers"], expiresAt: nil, actor: "admin")
                }
                let token = issued.record
                try await ledger.transaction { tx in _ = try await tx.authenticate(token: issued.token) }
                let decided = try await ledger.transaction { tx in
                    try await tx.recordGateDecision(
                        promotionID: staging.id,
                        GateDecisionRequest(user: "grace", groups: ["release-managers"], verdict: .approved, comment: nil, breakGlassReason: nil),
                        token: token
                    )
                }
                #expect(decided.verdict.isOpen)
                try await ledger.transaction { tx in
                    _ = try await tx.finishStep(id: gate.id, status: .succeeded, result: .object([:]), actor: "ci")
                    try await tx.movePromotion(id: staging.id, to: .progressing, actor: "ci")
                    try await tx.movePromotion(id: staging.id, to: .succeeded, actor: "ci")
                    try await tx.revokeToken(id: token.id, actor: "admin")
                }
                let facts = try await ledger.transaction { tx in try await tx.gateFacts(promotionID: staging.id, requirements: requirements) }
                #expect(facts.decisions.map(\.user) == ["grace"])
                let chain = try await ledger.verifyChain()
                let checkpoints = try await ledger.verifyCheckpoints(publicKey: signing.key.publicKey, checkpointFile: signing.checkpointFile, chain: chain)
                #expect(chain.isIntact)
                #expect(checkpoints.ok, "\(checkpoints.problems)")
                #expect(checkpoints.unsignedEvents == 0)
                #expect(try await ledger.unboundFacts().isEmpty)
            }
        }
    }

    @Test("the runtime role starts on a current schema, and is told to run db migrate as the owner when one is pending")
    func migrations() async throws {
        try await RuntimeLedger.with { world in
            _ = try await Ledger.withLedger(world.runtime, logger: TestDatabase.logger) { ledger in try await ledger.migrate() }
            try await TestDatabase.execute("DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)", on: world.owner)
            let refusal = await #expect(throws: LedgerError.self) {
                _ = try await Ledger.withLedger(world.runtime, logger: TestDatabase.logger) { _ in }
            }
            #expect(refusal?.message.contains("may not apply them") == true, "\(String(describing: refusal))")
            #expect(refusal?.message.contains("slipway db migrate") == true)
        }
    }

    @Test("granting refuses a superuser or a missing role")
    func grantRefusals() async throws {
        try await TestDatabase.withFreshDatabase { owner in
            try await Ledger.withLedger(owner, logger: TestDatabase.logger) { ledger in
                let superuser = await #expect(throws: LedgerError.self) { try await ledger.grantRuntimeAccess(to: owner.username) }
                #expect(superuser?.message.contains("is a superuser") == true)
                let missing = await #expect(throws: LedgerError.self) { try await ledger.grantRuntimeAccess(to: "no_such_role_here") }
                #expect(missing?.message.contains("there is no role 'no_such_role_here'") == true)
                let bad = await #expect(throws: LedgerError.self) { try await ledger.grantRuntimeAccess(to: "x; DROP TABLE events") }
                #expect(bad?.code == .invalidArgument)
            }
        }
    }
}
