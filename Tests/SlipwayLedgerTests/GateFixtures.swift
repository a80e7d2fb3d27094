import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTestSupport

/// A release of Ada's commit, started by `ci`, that went through dev and waits at staging's
/// gate, with the gate's requirements recorded as a runner records them.
struct GateAtStaging {
    var ledger: Ledger
    var configuration: DatabaseConfiguration
    var clock: ManualClock
    var run: RunRecord
    var staging: PromotionRecord

    static let artifactDigest = "sha256:" + String(repeating: "1", count: 64)
    static let modelDigest = "sha256:" + String(repeating: "2", count: 64)

    /// Two release managers, for a day; the weekend frozen in Berlin; the on-call SREs may break glass.
    static let requirements = GateRequirements(
        afterStage: "dev",
        approvals: ApprovalPolicy(required: 2, approvers: [.group("release-managers")], forbidSelfApproval: true, expiresAfter: .seconds(86_400)),
        freeze: [FreezeWindow(
            from: .weekly(weekday: 5, hour: 17, minute: 0), to: .weekly(weekday: 1, hour: 8, minute: 0), timeZone: "Europe/Berlin",
            reason: "no weekend releases"
        )],
        breakGlass: BreakGlassPolicy(groups: ["sre-oncall"])
    )

    /// Wednesday 2026-03-25 12:00 in Berlin.
    static let wednesday = Date(timeIntervalSince1970: 1_774_436_400)
    /// Saturday 2026-03-21 12:00 in Berlin.
    static let saturday = Date(timeIntervalSince1970: 1_774_090_800)

    static func with(
        at start: Date = wednesday, requirements: GateRequirements = requirements, signing: LedgerSigning? = nil,
        _ body: (GateAtStaging) async throws -> Void
    ) async throws {
        let clock = ManualClock(start)
        try await withTestLedger(clock: clock, signing: signing) { ledger, configuration in
            let (run, staging) = try await ledger.transaction { tx -> (RunRecord, PromotionRecord) in
                let run = try await tx.createRun(newRun(by: "ci")).run
                try await tx.recordArtifact(
                    runID: run.id, name: "model-serve", kind: "binary", location: "/releases/model-serve", digest: artifactDigest,
                    sizeBytes: 1, actor: "ci"
                )
                let dev = try await tx.createPromotion(run: run, environment: "dev", releaseID: "model-serve-1", strategy: "blueGreen", actor: "ci")
                let model = try await tx.planSteps(promotionID: dev.id, [PlannedStep(kind: .model, name: "model sim-small")], actor: "ci")[0]
                _ = try await tx.startStep(id: model.id, actor: "ci")
                _ = try await tx.finishStep(id: model.id, status: .succeeded, result: .object(["digest": .string(modelDigest)]), actor: "ci")
                try await tx.movePromotion(id: dev.id, to: .progressing, actor: "ci")
                try await tx.movePromotion(id: dev.id, to: .succeeded, actor: "ci")
                let staging = try await tx.createPromotion(run: run, environment: "staging", releaseID: "model-serve-1", strategy: "canary", actor: "ci")
                let steps = try await tx.planSteps(promotionID: staging.id, [
                    PlannedStep(kind: .gate, name: "gate after dev", config: .object(["after": .string("dev"), "approval": .bool(true)])),
                    PlannedStep(kind: .model, name: "model sim-small"),
                ], actor: "ci")
                _ = try await tx.startStep(id: steps[0].id, actor: "ci")
                try await tx.movePromotion(id: staging.id, to: .waiting, actor: "ci")
                try await tx.recordGateRequirements(promotionID: staging.id, requirements, actor: "ci")
                return (run, staging)
            }
            try await body(GateAtStaging(ledger: ledger, configuration: configuration, clock: clock, run: run, staging: staging))
        }
    }

    /// A token for `user` in `groups`, valid for 30 days.
    func token(_ user: String, _ groups: [String] = ["release-managers"]) async throws -> APITokenRecord {
        let expires = clock.now.addingTimeInterval(30 * 86_400)
        return try await ledger.transaction { tx in
            try await tx.createToken(user: user, groups: groups, expiresAt: expires, actor: "admin").record
        }
    }

    /// Records a decision as the person `token` names.
    @discardableResult
    func decide(
        _ token: APITokenRecord, _ verdict: GateDecision.Verdict = .approved, comment: String? = nil, breakGlass: String? = nil,
        promotion: Int64? = nil
    ) async throws -> RecordedDecision {
        let id = promotion ?? staging.id
        return try await ledger.transaction { tx in
            try await tx.recordGateDecision(
                promotionID: id,
                GateDecisionRequest(user: token.user, groups: Set(token.groups), verdict: verdict, comment: comment, breakGlassReason: breakGlass),
                token: token
            )
        }
    }

    /// How the gate stands now, from the ledger.
    func verdict() async throws -> GateVerdict {
        let facts = try await ledger.transaction { tx in try await tx.gateFacts(promotionID: staging.id, requirements: Self.requirements) }
        return Self.requirements.evaluate(facts, at: clock.now)
    }

    /// The message of the ledger error `body` throws, or nil when it throws none.
    func refusal(_ body: () async throws -> Void) async -> LedgerError? {
        do {
            try await body()
            return nil
        } catch let error as LedgerError {
            return error
        } catch {
            return LedgerError(.query, "unexpected: \(error)")
        }
    }
}

extension GateVerdict {
    var waitTexts: [String] {
        if case .waiting(let waits, _) = self { return waits.map(\.description) }
        return []
    }

    var isOpen: Bool {
        if case .open = self { return true }
        return false
    }
}
