import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTestSupport
import Testing

/// Approvals and rejections recorded against a real PostgreSQL, checked by the gate's rules.
@Suite("Gate decisions")
struct GateDecisionTests {
    typealias World = GateAtStaging

    @Test("two of the release managers: the first approval leaves the gate waiting, the second opens it; each is an event")
    func twoOfTheReleaseManagers() async throws {
        try await World.with { world in
            let grace = try await world.token("grace"), linus = try await world.token("linus")
            let first = try await world.decide(grace, comment: "staging looks healthy")
            #expect(first.verdict.waitTexts == ["approvals: 1 of 2 (needs group release-managers); grace approved"])
            #expect(first.approval.user == "grace" && first.approval.groups == ["release-managers"] && first.approval.tokenID == grace.id)
            #expect(first.approval.comment == "staging looks healthy")
            #expect(first.approval.expiresAt == world.clock.now.addingTimeInterval(86_400))
            #expect(first.approval.release == ReleaseBinding(
                commitSHA: world.run.commitSHA, artifacts: ["model-serve": World.artifactDigest], modelDigest: World.modelDigest
            ))
            #expect(first.approval.releaseDigest == first.approval.release.digest)
            let second = try await world.decide(linus)
            #expect(second.verdict == .open(GateOpening(approvedBy: ["grace", "linus"])))
            #expect(try await world.verdict().isOpen)

            let events = try await world.ledger.events(subject: "promotion/\(world.staging.id)")
            let approvals = events.filter { $0.kind == "approval.approved" }
            #expect(approvals.map(\.actor) == ["grace", "linus"])
            #expect(approvals.first?.payload.contains(#""releaseDigest":"\#(first.approval.releaseDigest)""#) == true)
            #expect(events.contains { $0.kind == "gate.requirements" })
            #expect(try await world.ledger.verifyChain().isIntact)
        }
    }

    @Test("the commit's author and whoever started the run are refused; someone outside the approvers too; one person counts once")
    func whoMayApprove() async throws {
        try await World.with { world in
            let ada = try await world.token("ada"), ci = try await world.token("ci"), mallory = try await world.token("mallory", ["devs"])
            let grace = try await world.token("grace")
            let author = await world.refusal { try await world.decide(ada) }
            #expect(author?.code == .forbidden)
            #expect(author?.message == "promotion \(world.staging.id) (model-serve-1 to staging): ada may not approve this release: ada wrote the commit (the approval policy forbids self-approval)")
            #expect(await world.refusal { try await world.decide(ci) }?.message.hasSuffix("ci may not approve this release: ci started the run (the approval policy forbids self-approval)") == true)
            #expect(await world.refusal { try await world.decide(mallory) }?.message.hasSuffix("mallory is not one of the approvers (group release-managers)") == true)
            try await world.decide(grace)
            #expect(await world.refusal { try await world.decide(grace) }?.message.hasSuffix("grace has already approved this release; one person counts once") == true)
            #expect(try await world.verdict().waitTexts == ["approvals: 1 of 2 (needs group release-managers); grace approved"])
            let rows = try await TestDatabase.column("SELECT approver FROM approvals ORDER BY id", on: world.configuration)
            #expect(rows == ["grace"], "refused decisions leave no row")
        }
    }

    @Test("an approval expires after expiresAfter; the same person may approve again, and that counts")
    func approvalsExpire() async throws {
        try await World.with { world in
            let grace = try await world.token("grace"), linus = try await world.token("linus")
            try await world.decide(grace)
            world.clock.advance(by: 86_400)
            #expect(try await world.verdict().waitTexts == ["approvals: 0 of 2 (needs group release-managers); grace's approval expired"])
            let late = try await world.decide(linus)
            #expect(late.verdict.waitTexts == ["approvals: 1 of 2 (needs group release-managers); linus approved; grace's approval expired"])
            let renewed = try await world.decide(grace)
            #expect(renewed.verdict == .open(GateOpening(approvedBy: ["linus", "grace"])))
        }
    }

    @Test("a rejection fails the gate, says who and why, and is stored with its comment verbatim (bound, never spliced)")
    func rejection() async throws {
        try await World.with { world in
            let grace = try await world.token("grace"), margaret = try await world.token("margaret")
            try await world.decide(grace)
            let comment = "p99 doubled'); DELETE FROM approvals; --"
            let rejected = try await world.decide(margaret, .rejected, comment: comment)
            guard case .failed(let rejection) = rejected.verdict else {
                Issue.record("expected a failed gate, got \(rejected.verdict)")
                return
            }
            #expect(rejection.description == "rejected by margaret: \(comment)")
            let rows = try await TestDatabase.column("SELECT decision || ' ' || coalesce(comment, '') FROM approvals ORDER BY id", on: world.configuration)
            #expect(rows == ["approved ", "rejected \(comment)"])
            #expect(try await world.ledger.events().contains { $0.kind == "approval.rejected" && $0.actor == "margaret" })
            let noComment = await world.refusal { try await world.decide(grace, .rejected) }
            #expect(noComment?.message.hasSuffix("a rejection needs a comment saying why (--comment)") == true)
        }
    }

    @Test("an approval binds to the exact release: when the model the stage rolls out differs, earlier approvals stop counting")
    func approvalsBindToTheRelease() async throws {
        try await World.with { world in
            let grace = try await world.token("grace"), linus = try await world.token("linus")
            try await world.decide(grace)
            // The stage's own model step records another digest than dev's: another release.
            try await world.ledger.transaction { tx in
                let model = try await tx.steps(promotionID: world.staging.id)[1]
                _ = try await tx.startStep(id: model.id, actor: "ci")
                _ = try await tx.finishStep(
                    id: model.id, status: .succeeded, result: .object(["digest": .string("sha256:" + String(repeating: "9", count: 64))]), actor: "ci"
                )
            }
            let now = try await world.decide(linus)
            #expect(now.verdict.waitTexts == ["approvals: 1 of 2 (needs group release-managers); linus approved; grace's approval is for another release"])
            // And a newer release is another promotion: it starts with no approvals at all.
            let newer = try await world.ledger.transaction { tx in
                let run = try await tx.createRun(newRun(commit: 2, by: "ci")).run
                return try await tx.createPromotion(run: run, environment: "staging", releaseID: "model-serve-2", strategy: "canary", actor: "ci")
            }
            let facts = try await world.ledger.transaction { tx in try await tx.gateFacts(promotionID: newer.id, requirements: World.requirements) }
            #expect(facts.decisions.isEmpty && facts.release.commitSHA == sha(2))
            #expect(World.requirements.evaluate(facts, at: world.clock.now).waitTexts == [
                "stage dev has not succeeded with this release", "approvals: 0 of 2 (needs group release-managers)",
            ])
        }
    }

    @Test("a freeze window holds the gate; break glass by an on-call SRE with a reason lifts it, recorded as such; others are refused")
    func freezeAndBreakGlass() async throws {
        try await World.with(at: World.saturday) { world in
            let grace = try await world.token("grace"), linus = try await world.token("linus")
            let sam = try await world.token("sam", ["sre-oncall"])
            try await world.decide(grace)
            let approved = try await world.decide(linus)
            #expect(approved.verdict.waitTexts == ["frozen until Mon 08:00 Europe/Berlin: no weekend releases"])
            let outsider = await world.refusal { try await world.decide(grace, breakGlass: "I am sure") }
            #expect(outsider?.code == .forbidden)
            #expect(outsider?.message.hasSuffix("grace may not break glass here: only members of sre-oncall may") == true)
            let broken = try await world.decide(sam, breakGlass: "CVE-2026-1234 is exploited; the fix cannot wait for Monday")
            #expect(broken.approval.breakGlass && broken.approval.reason == "CVE-2026-1234 is exploited; the fix cannot wait for Monday")
            guard case .open(let opening) = broken.verdict else {
                Issue.record("expected the gate to open, got \(broken.verdict)")
                return
            }
            #expect(opening.approvedBy == ["grace", "linus"] && opening.breakGlass?.user == "sam")
            let event = try await world.ledger.events().last { $0.kind == "approval.break_glass" }
            #expect(event?.actor == "sam" && event?.payload.contains("CVE-2026-1234") == true)
            let rows = try await TestDatabase.column("SELECT approver || ' ' || break_glass::text FROM approvals ORDER BY id", on: world.configuration)
            #expect(rows == ["grace false", "linus false", "sam true"])
        }
    }

    @Test("break glass while nothing is frozen is refused; the table itself refuses break glass without a reason")
    func breakGlassNeedsAFreezeAndAReason() async throws {
        try await World.with(at: World.wednesday) { world in
            let sam = try await world.token("sam", ["sre-oncall"])
            let refusal = await world.refusal { try await world.decide(sam, breakGlass: "just in case") }
            #expect(refusal?.message.hasSuffix("no freeze window holds now, so there is nothing to break; approve without --break-glass") == true)
            await #expect(throws: (any Error).self) {
                try await TestDatabase.execute("""
                    INSERT INTO approvals (promotion_id, approver, decision, release, release_digest, created_at, break_glass)
                    VALUES (\(world.staging.id), 'sam', 'approved', '{}', 'sha256:\(String(repeating: "0", count: 64))', now(), true)
                    """, on: world.configuration)
            }
        }
    }

    @Test("decisions about finished or unknown promotions, or after the gate opened, are refused")
    func onlyWaitingPromotions() async throws {
        try await World.with { world in
            let grace = try await world.token("grace")
            let dev = try await world.ledger.transaction { tx in try await tx.promotion(runID: world.run.id, environment: "dev") }
            let finished = await world.refusal { try await world.decide(grace, promotion: try #require(dev).id) }
            #expect(finished?.message == "promotion \(try #require(dev).id) (model-serve-1 to dev) is succeeded; there is nothing to decide")
            #expect(await world.refusal { try await world.decide(grace, promotion: 999) }?.code == .notFound)
            // The gate opened (the promotion waits for its environment now): too late to decide.
            try await world.ledger.transaction { tx in
                let gate = try await tx.steps(promotionID: world.staging.id)[0]
                _ = try await tx.finishStep(id: gate.id, status: .succeeded, result: nil, actor: "ci")
            }
            let late = await world.refusal { try await world.decide(grace, .rejected, comment: "wait") }
            #expect(late?.message == "promotion \(world.staging.id) (model-serve-1 to staging) is past its gate (succeeded); it is too late to decide")
        }
    }

    @Test("a runner listening on slipway_gates hears of a decision about its promotion at once, and not of others")
    func decisionsAreAnnounced() async throws {
        try await World.with { world in
            let grace = try await world.token("grace")
            let other = try await world.ledger.transaction { tx in
                let run = try await tx.createRun(newRun(commit: 3, by: "ci")).run
                let promotion = try await tx.createPromotion(run: run, environment: "prod", releaseID: "model-serve-3", strategy: "canary", actor: "ci")
                let step = try await tx.planSteps(promotionID: promotion.id, [PlannedStep(kind: .gate, name: "gate", config: .object(["after": .string("staging")]))], actor: "ci")[0]
                _ = try await tx.startStep(id: step.id, actor: "ci")
                try await tx.recordGateRequirements(promotionID: promotion.id, GateRequirements(afterStage: "staging", approvals: World.requirements.approvals), actor: "ci")
                return promotion
            }
            // The listener would wait a minute; it wakes because it is told (how soon is measured by
            // scripts/bench-approval.sh, not asserted here).
            let heard = try await world.ledger.listeningForGateDecisions(promotionID: world.staging.id) { signal in
                async let woke = signal.wait(upTo: .seconds(60))
                try await Task.sleep(for: .milliseconds(100))
                let deciding = ContinuousClock.now
                try await world.decide(grace)
                return (await woke, ContinuousClock.now - deciding)
            }
            #expect(heard.0, "the listener never heard of the decision")
            #expect(heard.1 < .seconds(30), "the listener woke \(heard.1) after the decision began: it was not told")
            let unrelated = try await world.ledger.listeningForGateDecisions(promotionID: world.staging.id) { signal in
                async let woke = signal.wait(upTo: .seconds(3))
                try await Task.sleep(for: .milliseconds(100))
                try await world.decide(grace, promotion: other.id)
                return await woke
            }
            #expect(!unrelated, "a decision about another promotion does not wake this one")
        }
    }

    @Test("waiting gates list the promotion with its requirements, facts and decisions")
    func waitingGates() async throws {
        try await World.with { world in
            try await world.decide(try await world.token("grace"))
            let gates = try await world.ledger.transaction { tx in try await tx.waitingGates() }
            #expect(gates.map(\.promotion.id) == [world.staging.id])
            #expect(gates.first?.requirements == World.requirements)
            #expect(gates.first?.approvals.map(\.user) == ["grace"])
            #expect(gates.first?.facts?.previousStageSucceededAt != nil)
            #expect(gates.first?.facts?.commitAuthor == "Ada <ada@example.com>")
        }
    }

    /// When `signal` reports a decision, or nil when none comes in `limit`.
}
