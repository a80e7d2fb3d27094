import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTestSupport
import Testing

/// Decisions by a person an identity provider vouched for (issuer + subject), and break glass
/// on a promotion whose traffic a freeze window holds, against a real PostgreSQL.
@Suite("Decisions by an outside identity; break glass while traffic is held")
struct OutsideIdentityDecisionTests {
    typealias World = GateAtStaging
    static let issuer = "https://idp.example.com/realms/ops"

    static func decide(
        _ world: World, _ decider: GateDecider, _ verdict: GateDecision.Verdict = .approved, comment: String? = nil, breakGlass: String? = nil
    ) async throws -> RecordedDecision {
        try await world.ledger.transaction { tx in
            try await tx.recordGateDecision(
                promotionID: world.staging.id,
                GateDecisionRequest(user: decider.user, groups: Set(decider.groups), verdict: verdict, comment: comment, breakGlassReason: breakGlass),
                decider: decider
            )
        }
    }

    @Test("an outside identity's approval records issuer, subject and email in the row and its event, is bound to the event and counts; its verified email is compared with the commit's author")
    func outsideIdentityApproves() async throws {
        try await World.with { world in
            let grace = GateDecider(user: "grace", groups: ["release-managers"], email: "grace@example.com", issuer: Self.issuer, subject: "f3a1-77")
            let decided = try await Self.decide(world, grace)
            #expect(decided.approval.issuer == Self.issuer && decided.approval.subject == "f3a1-77" && decided.approval.email == "grace@example.com")
            #expect(decided.approval.tokenID == nil)
            #expect(decided.verdict.waitTexts == ["approvals: 1 of 2 (needs group release-managers); grace approved"], "bound, so counted")
            let event = try #require(try await world.ledger.events().last { $0.kind == "approval.approved" })
            #expect(event.payload.contains(#""issuer":"https:\/\/idp.example.com\/realms\/ops""#) || event.payload.contains(#""issuer":"https://idp.example.com/realms/ops""#), "\(event.payload)")
            #expect(event.payload.contains(#""subject":"f3a1-77""#) && !event.payload.contains(#""token""#), "\(event.payload)")
            let bound = try await world.ledger.transaction { tx in try await tx.boundApprovals(promotionID: world.staging.id) }
            #expect(bound.bound.map(\.id) == [decided.approval.id] && bound.unbound.isEmpty)

            // Ada's commit: her provider name differs, her verified email does not.
            let ada = GateDecider(user: "a.lovelace", groups: ["release-managers"], email: "ada@example.com", issuer: Self.issuer, subject: "0ada")
            let refused = await world.refusal { _ = try await Self.decide(world, ada) }
            #expect(refused?.code == .forbidden)
            #expect(refused?.message.hasSuffix("a.lovelace may not approve this release: a.lovelace wrote the commit (the approval policy forbids self-approval)") == true, "\(String(describing: refused))")

            // The table refuses an issuer without a subject.
            await #expect(throws: (any Error).self) {
                try await TestDatabase.execute("""
                    INSERT INTO approvals (promotion_id, approver, decision, release, release_digest, created_at, issuer)
                    VALUES (\(world.staging.id), 'x', 'approved', '{}', 'sha256:\(String(repeating: "0", count: 64))', now(), 'https://idp')
                    """, on: world.configuration)
            }
        }
    }

    @Test("break glass while traffic is held: a freeze window that began after the gate opened holds the promotion under way; only a break-glass approval by the on-call group is taken then, and the freeze check lifts")
    func breakGlassMidway() async throws {
        try await World.with(at: World.wednesday) { world in
            let grace = try await world.token("grace"), linus = try await world.token("linus")
            let sam = try await world.token("sam", ["sre-oncall"])
            try await world.decide(grace)
            #expect(try await world.decide(linus).verdict.isOpen)
            // The runner passes the gate and starts moving traffic.
            try await world.ledger.transaction { tx in
                let gate = try await tx.steps(promotionID: world.staging.id)[0]
                _ = try await tx.finishStep(id: gate.id, status: .succeeded, result: nil, actor: "ci")
                try await tx.movePromotion(id: world.staging.id, to: .progressing, actor: "ci")
            }
            // Saturday 2026-03-28 12:00 in Berlin: the weekend freeze began after the gate opened.
            world.clock.advance(by: 3 * 86_400)
            let requirements = World.requirements
            func held() async throws -> [FreezeWindow] {
                let facts = try await world.ledger.transaction { tx in try await tx.gateFacts(promotionID: world.staging.id, requirements: requirements) }
                return requirements.unliftedFreezes(facts, at: world.clock.now)
            }
            #expect(try await held().map(\.reason) == ["no weekend releases"], "the freeze holds the traffic")

            let what = "promotion \(world.staging.id) (model-serve-1 to staging)"
            let approval = await world.refusal { try await world.decide(grace) }
            #expect(approval?.code == .conflict)
            #expect(approval?.message == "\(what) has passed its gate and is under way; it is too late to decide (only breaking glass, with a reason, can still lift a freeze window that holds its traffic)")
            let rejection = await world.refusal { try await world.decide(grace, .rejected, comment: "stop") }
            #expect(rejection?.code == .conflict)
            let outsider = await world.refusal { try await world.decide(grace, breakGlass: "I am sure") }
            #expect(outsider?.code == .forbidden)
            #expect(outsider?.message.hasSuffix("grace may not break glass here: only members of sre-oncall may") == true)
            let noReason = await world.refusal { try await world.decide(sam, breakGlass: "  ") }
            #expect(noReason?.code == .forbidden && noReason?.message.hasSuffix("breaking glass needs a reason (--reason)") == true)
            #expect(try await held().count == 1, "a refused request lifted the freeze")

            let broken = try await world.decide(sam, breakGlass: "the canary must finish: the old version leaks memory")
            #expect(broken.approval.breakGlass && broken.approval.user == "sam")
            #expect(try await held().isEmpty, "the break glass did not lift the freeze")
            let event = try await world.ledger.events().last { $0.kind == "approval.break_glass" }
            #expect(event?.actor == "sam")
            let rows = try await TestDatabase.column("SELECT approver || ' ' || break_glass::text FROM approvals ORDER BY id", on: world.configuration)
            #expect(rows == ["grace false", "linus false", "sam true"])

            // Once the promotion has finished, nothing more is taken, break glass included.
            try await world.ledger.transaction { tx in try await tx.movePromotion(id: world.staging.id, to: .succeeded, actor: "ci") }
            let finished = await world.refusal { try await world.decide(sam, breakGlass: "again") }
            #expect(finished?.message == "\(what) is succeeded; there is nothing to decide")
        }
    }

    @Test("break glass on a promotion under way with nothing frozen is refused: there is nothing to break")
    func breakGlassMidwayNeedsAFreeze() async throws {
        try await World.with(at: World.wednesday) { world in
            let grace = try await world.token("grace"), linus = try await world.token("linus")
            let sam = try await world.token("sam", ["sre-oncall"])
            try await world.decide(grace)
            try await world.decide(linus)
            try await world.ledger.transaction { tx in
                let gate = try await tx.steps(promotionID: world.staging.id)[0]
                _ = try await tx.finishStep(id: gate.id, status: .succeeded, result: nil, actor: "ci")
                try await tx.movePromotion(id: world.staging.id, to: .progressing, actor: "ci")
            }
            let refused = await world.refusal { try await world.decide(sam, breakGlass: "just in case") }
            #expect(refused?.code == .forbidden)
            #expect(refused?.message.hasSuffix("no freeze window holds now, so there is nothing to break; approve without --break-glass") == true)
        }
    }
}
