import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTestSupport
import Testing

/// A promotion waiting at its approval gate in a `slipway serve`'s ledger, recorded the way the
/// engine records one, and the API tokens of the people who try to decide about it.
///
/// Ada's commit of pipeline `model-serve`, started by `ci`, went through dev and waits at
/// staging's gate: two release managers must approve (self-approval forbidden), and a freeze
/// window holds that members of `sre-oncall` may break. The serve's own pipeline is `app`, so
/// its watcher never touches this run.
struct ApprovalWorld {
    static let releaseID = "model-serve-aaaaaaaaaaaa"

    let fixture: ServeFixture
    /// Staging's promotion, waiting at its gate.
    let waiting: Int64
    /// Dev's promotion, succeeded: too late for any decision.
    let finished: Int64

    /// `promotion 2 (model-serve-aaaaaaaaaaaa to staging)`, as the ledger's messages name it.
    var what: String { "promotion \(waiting) (\(Self.releaseID) to staging)" }

    static func seed(in fixture: ServeFixture) async throws -> ApprovalWorld {
        try await Ledger.withLedger(fixture.database, logger: TestDatabase.logger, signing: try .inStateDirectory(fixture.state.path)) { ledger in
            try await ledger.transaction { tx in
                let run = try await tx.createRun(NewRun(
                    pipeline: "model-serve", commitSHA: String(repeating: "a", count: 40), branch: "main", trigger: .manual,
                    triggeredBy: "ci", commitAuthor: "Ada <ada@example.com>"
                )).run
                try await tx.recordArtifact(
                    runID: run.id, name: "model-serve", kind: "binary", location: "/releases/model-serve",
                    digest: "sha256:" + String(repeating: "1", count: 64), sizeBytes: 1, actor: "ci"
                )
                let dev = try await tx.createPromotion(run: run, environment: "dev", releaseID: releaseID, strategy: "blueGreen", actor: "ci")
                try await tx.movePromotion(id: dev.id, to: .progressing, actor: "ci")
                try await tx.movePromotion(id: dev.id, to: .succeeded, actor: "ci")
                let staging = try await tx.createPromotion(run: run, environment: "staging", releaseID: releaseID, strategy: "canary", actor: "ci")
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
                    breakGlass: BreakGlassPolicy(groups: ["sre-oncall"]),
                    policyChange: PolicyChange(environment: "staging", inEffectVersion: Self.policyVersion, differences: [
                        .init(field: "environment.approvals.required", inEffect: .number(2), release: .number(1)),
                    ])
                ), actor: "ci")
                return ApprovalWorld(fixture: fixture, waiting: staging.id, finished: dev.id)
            }
        }
    }

    /// The policy in effect the seeded gate names; the release changes it (approvers are told).
    static let policyVersion = "policy of promotion 1 (commit aaaaaaaaaaaa, sha256:0123456789ab)"

    /// A new API token for `user` in `groups`, as `slipway token create` makes one.
    func token(_ user: String, _ groups: [String]) async throws -> String {
        try await Ledger.withLedger(fixture.database, logger: TestDatabase.logger, signing: try .inStateDirectory(fixture.state.path)) { ledger in
            try await ledger.transaction { tx in
                try await tx.createToken(user: user, groups: groups, expiresAt: nil, actor: "admin").token
            }
        }
    }

    /// `POST /api/v1/promotions/{promotion}/approvals` with `body`, as `token` (nil sends no
    /// Authorization header; `authorization` sends that header as it is).
    func decide(
        _ promotion: String, body: String, token: String?, authorization: String? = nil
    ) async throws -> ServeFixture.Answer {
        var headers = [("Content-Type", "application/json")]
        if let header = authorization ?? token.map({ "Bearer \($0)" }) { headers.append(("Authorization", header)) }
        return try await fixture.send(.POST, "/api/v1/promotions/\(promotion)/approvals", body: body, headers: headers)
    }

    /// A decision about the waiting promotion.
    func decide(_ body: String, as token: String) async throws -> ServeFixture.Answer {
        try await decide(String(waiting), body: body, token: token)
    }

    /// `GET /api/v1/pending` as `token`.
    func pending(token: String?, authorization: String? = nil) async throws -> ServeFixture.Answer {
        var headers: [(String, String)] = []
        if let header = authorization ?? token.map({ "Bearer \($0)" }) { headers.append(("Authorization", header)) }
        return try await fixture.send(.GET, "/api/v1/pending", headers: headers)
    }

    /// `approver decision` of every recorded decision, oldest first.
    func recordedDecisions() async throws -> [String] {
        try await TestDatabase.column("SELECT approver || ' ' || decision FROM approvals ORDER BY id", on: fixture.database).compactMap { $0 }
    }

    /// `kind actor` of every approval event, oldest first.
    func approvalEvents() async throws -> [String] {
        try await TestDatabase.column(
            "SELECT kind || ' ' || actor FROM events WHERE kind LIKE 'approval.%' ORDER BY seq", on: fixture.database
        ).compactMap { $0 }
    }

    /// Starts a `slipway serve` (with `arguments`), seeds the waiting gate, runs `body`.
    static func with(arguments: [String] = [], _ body: (ApprovalWorld) async throws -> Void) async throws {
        try await ServeFixture.with(arguments: arguments, waitForFirstRun: false) { fixture in
            try await body(try await seed(in: fixture))
        }
    }
}

extension ServeFixture.Answer {
    /// The body as a JSON array of objects.
    func jsonArray() throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]], "not a JSON array of objects: \(body)")
    }
}
