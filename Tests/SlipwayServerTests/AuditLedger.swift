import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTestSupport

/// What the audit API's tests put in a ``ServeFixture``'s ledger, written with the ledger's own
/// API (so every record has its events in the chain), and the API tokens they call with.
///
/// The records are of pipeline `ledger-app` into `staging` and `prod`, which the fixture's specs
/// do not name, and every run is finished: the server's watcher and drift monitor leave them be.
struct AuditLedger {
    /// Tokens (their secrets) for each kind of caller.
    struct Tokens: Sendable {
        var auditor: String
        var releaseManager: String
        /// A valid token whose groups are not readers.
        var developer: String
        var revoked: String
        var expired: String
    }

    /// The promotion whose story the tests read: Ada's commit into prod, approved by Rita, glass
    /// broken by Sam during the weekend freeze, its smoke check passed and its analysis failed,
    /// rolled back.
    struct Story: Sendable {
        var run: RunRecord
        var staging: PromotionRecord
        var prod: PromotionRecord
    }

    static let pipeline = "ledger-app"
    static let artifactDigest = "sha256:" + String(repeating: "1", count: 64)
    static let modelDigest = "sha256:" + String(repeating: "2", count: 64)
    static let reportDigest = "sha256:" + String(repeating: "3", count: 64)
    static let rollbackCause = "analysis error-rate: 2 of 2 samples failed; first: error-rate is 0.071, above the maximum 0.01"
    /// Saturday 2026-03-21 12:00 in Berlin: inside the weekend freeze below.
    static let saturday = Date(timeIntervalSince1970: 1_774_090_800)

    static let requirements = GateRequirements(
        afterStage: "staging",
        approvals: ApprovalPolicy(required: 1, approvers: [.group("release-managers")], forbidSelfApproval: true, expiresAfter: .seconds(86_400)),
        freeze: [FreezeWindow(
            from: .weekly(weekday: 5, hour: 17, minute: 0), to: .weekly(weekday: 1, hour: 8, minute: 0), timeZone: "Europe/Berlin",
            reason: "no weekend releases"
        )],
        breakGlass: BreakGlassPolicy(groups: ["sre-oncall"])
    )

    /// Runs `body` with a ledger on the fixture's database whose clock says `now`.
    static func with<T: Sendable>(
        _ fixture: ServeFixture, now: @escaping @Sendable () -> Date = { Date() }, _ body: (Ledger) async throws -> T
    ) async throws -> T {
        // Signed with the server's key, as another Slipway process on the same state directory would.
        try await Ledger.withLedger(
            fixture.database, logger: TestDatabase.logger, signing: try .inStateDirectory(fixture.state.path), now: now, body
        )
    }

    /// A 40-character SHA starting with `prefix`.
    static func sha(_ prefix: String) -> String {
        prefix + String(repeating: "0", count: 40 - prefix.count)
    }

    /// An auditor's, a release manager's and a developer's token, one revoked and one expired.
    static func tokens(_ fixture: ServeFixture) async throws -> Tokens {
        let expired = try await with(fixture, now: { Date().addingTimeInterval(-2 * 86_400) }) { ledger in
            try await ledger.transaction { tx in
                try await tx.createToken(user: "old", groups: ["auditors"], expiresAt: Date().addingTimeInterval(-86_400), actor: "admin").token
            }
        }
        return try await with(fixture) { ledger in
            try await ledger.transaction { tx in
                let revoked = try await tx.createToken(user: "gone", groups: ["auditors"], expiresAt: nil, actor: "admin")
                try await tx.revokeToken(id: revoked.record.id, actor: "admin")
                return Tokens(
                    auditor: try await tx.createToken(user: "audrey", groups: ["auditors"], expiresAt: nil, actor: "admin").token,
                    releaseManager: try await tx.createToken(user: "rita", groups: ["release-managers"], expiresAt: nil, actor: "admin").token,
                    developer: try await tx.createToken(user: "dev", groups: ["developers"], expiresAt: nil, actor: "admin").token,
                    revoked: revoked.token, expired: expired
                )
            }
        }
    }

    /// Records ``Story``: a run with an artifact and a scan, its promotion to staging, and its
    /// promotion to prod through a gate, a model step, a smoke check and an analysis, rolled back.
    static func story(_ fixture: ServeFixture) async throws -> Story {
        try await with(fixture, now: { saturday }) { ledger in
            let (run, staging, prod, steps) = try await ledger.transaction { tx in
                var run = try await tx.createRun(NewRun(
                    pipeline: pipeline, commitSHA: sha("ada0"), branch: "main", trigger: .manual, triggeredBy: "ci",
                    commitAuthor: "Ada <ada@example.com>"
                )).run
                try await tx.moveRun(id: run.id, to: .running, actor: "ci")
                try await tx.recordArtifact(
                    runID: run.id, name: "app", kind: "binary", location: "/releases/app", digest: artifactDigest, sizeBytes: 42, actor: "ci"
                )
                try await tx.recordScan(NewScan(
                    runID: run.id, name: "trivy", kind: .vulnerabilities, tool: "trivy", status: .passed,
                    counts: .object(["critical": .number(0), "high": .number(1)]), summary: "0 critical, 1 high; none fails the policy",
                    reportDigest: reportDigest
                ), actor: "ci")
                run = try await tx.moveRun(id: run.id, to: .succeeded, actor: "ci")
                let staging = try await tx.createPromotion(run: run, environment: "staging", releaseID: "ledger-app-ada0", strategy: "canary", actor: "ci")
                try await tx.movePromotion(id: staging.id, to: .progressing, actor: "ci")
                try await tx.movePromotion(id: staging.id, to: .succeeded, actor: "ci")
                let prod = try await tx.createPromotion(run: run, environment: "prod", releaseID: "ledger-app-ada0", strategy: "canary", actor: "ci")
                let steps = try await tx.planSteps(promotionID: prod.id, [
                    PlannedStep(kind: .gate, name: "gate after staging", config: .object(["after": .string("staging"), "approval": .bool(true)])),
                    PlannedStep(kind: .model, name: "model sim-small"),
                    PlannedStep(kind: .smoke, name: "smoke preview"),
                    PlannedStep(kind: .analysis, name: "analysis error-rate"),
                ], actor: "ci")
                _ = try await tx.startStep(id: steps[0].id, actor: "ci")
                try await tx.movePromotion(id: prod.id, to: .waiting, actor: "ci")
                try await tx.recordGateRequirements(promotionID: prod.id, requirements, actor: "ci")
                return (run, staging, prod, steps)
            }
            let rita = try await ledger.transaction { tx in
                try await tx.createToken(user: "rita", groups: ["release-managers"], expiresAt: nil, actor: "admin").record
            }
            let sam = try await ledger.transaction { tx in
                try await tx.createToken(user: "sam", groups: ["sre-oncall"], expiresAt: nil, actor: "admin").record
            }
            try await ledger.transaction { tx in
                _ = try await tx.recordGateDecision(
                    promotionID: prod.id,
                    GateDecisionRequest(user: "rita", groups: ["release-managers"], verdict: .approved, comment: "canary numbers look fine"),
                    token: rita
                )
                _ = try await tx.recordGateDecision(
                    promotionID: prod.id,
                    GateDecisionRequest(user: "sam", groups: ["sre-oncall"], verdict: .approved, breakGlassReason: "security fix CVE-2026-0001"),
                    token: sam
                )
            }
            let finished = try await ledger.transaction { tx in
                _ = try await tx.finishStep(id: steps[0].id, status: .succeeded, result: .object(["opened": .string("approved and glass broken")]), actor: "ci")
                try await tx.movePromotion(id: prod.id, to: .progressing, actor: "ci")
                _ = try await tx.startStep(id: steps[1].id, actor: "ci")
                _ = try await tx.finishStep(
                    id: steps[1].id, status: .succeeded,
                    result: .object(["model": .string("sim-small:ada0"), "digest": .string(modelDigest)]), actor: "ci"
                )
                _ = try await tx.startStep(id: steps[2].id, actor: "ci")
                _ = try await tx.finishStep(
                    id: steps[2].id, status: .succeeded,
                    result: .object(["requests": .array([.object(["path": .string("/healthz"), "status": .number(200)])])]), actor: "ci"
                )
                _ = try await tx.startStep(id: steps[3].id, actor: "ci")
                _ = try await tx.finishStep(
                    id: steps[3].id, status: .failed,
                    result: .object(["samples": .array([.number(0.071), .number(0.065)]), "maximum": .number(0.01)]),
                    note: rollbackCause, actor: "ci"
                )
                return try await tx.movePromotion(id: prod.id, to: .rolledBack, actor: "ci", reason: rollbackCause)
            }
            return Story(run: run, staging: staging, prod: finished)
        }
    }

    /// `count` promotions of pipeline `bulk` written straight into the tables (no events), one
    /// run each, created a minute apart from 2026-01-01, for paging and exports.
    static func bulk(_ fixture: ServeFixture, count: Int) async throws {
        try await TestDatabase.execute(
            """
            INSERT INTO runs (pipeline, commit_sha, branch, trigger, triggered_by, status, created_at)
            SELECT 'bulk', 'b' || lpad(to_hex(g), 39, '0'), 'main', 'poll', 'ci', 'succeeded',
                   timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute'
            FROM generate_series(1, \(count)) AS g
            """,
            """
            INSERT INTO promotions (run_id, pipeline, environment, commit_sha, release_id, strategy, status, triggered_by, created_at)
            SELECT r.id, 'bulk', 'dev', r.commit_sha, 'bulk-' || r.id, 'blueGreen', 'succeeded', 'ci', r.created_at
            FROM runs r WHERE r.pipeline = 'bulk' ORDER BY r.id
            """,
            on: fixture.database
        )
    }
}
