import Foundation
import Testing
@testable import SlipwayCore

/// Who may record which decision, checked before it is written, with a message the person can act on.
@Suite struct GateRefusalTests {
    typealias F = GateFixtures
    let saturday = F.saturdayNoon
    let wednesday = F.wednesdayNoon

    let requirements = GateRequirements(
        afterStage: "staging", approvals: GateFixtures.twoReleaseManagers, freeze: [GateFixtures.weekend],
        breakGlass: BreakGlassPolicy(groups: ["sre-oncall"])
    )

    func refusal(
        _ user: String, _ groups: Set<String> = ["release-managers"], verdict: GateDecision.Verdict = .approved, comment: String? = nil,
        breakGlass: String? = nil, at: Date? = nil, decisions: [GateDecision] = [], requirements: GateRequirements? = nil
    ) -> String? {
        let now = at ?? wednesday
        let request = GateDecisionRequest(user: user, groups: groups, verdict: verdict, comment: comment, breakGlassReason: breakGlass)
        return (requirements ?? self.requirements).refusal(of: request, facts: F.facts(now: now, decisions: decisions), at: now)
    }

    @Test("an approver may approve and reject (with a comment)")
    func approversMayDecide() {
        #expect(refusal("grace") == nil)
        #expect(refusal("grace", verdict: .rejected, comment: "the canary's error rate") == nil)
        #expect(refusal("ada", verdict: .rejected, comment: "I found a bug in my change") == nil, "an author may reject their own release")
    }

    @Test("refused: someone who is not an approver, the author, whoever started the run, and a second approval by the same person")
    func refusedApprovals() {
        #expect(refusal("mallory", ["devs"]) == "mallory is not one of the approvers (group release-managers)")
        #expect(refusal("mallory", ["devs"], verdict: .rejected, comment: "no") == "mallory is not one of the approvers (group release-managers)")
        #expect(refusal("ada") == "ada may not approve this release: ada wrote the commit (the approval policy forbids self-approval)")
        #expect(refusal("ci") == "ci may not approve this release: ci started the run (the approval policy forbids self-approval)")
        #expect(refusal("grace", decisions: [F.approval("grace", at: wednesday)]) == "grace has already approved this release; one person counts once")
        // An approval that expired, or one of another release, may be given again.
        #expect(refusal("grace", decisions: [F.approval("grace", at: wednesday.addingTimeInterval(-90_000))]) == nil)
    }

    @Test("a rejection needs a comment; break glass is for approving")
    func rejectionNeedsAComment() {
        #expect(refusal("grace", verdict: .rejected) == "a rejection needs a comment saying why (--comment)")
        #expect(refusal("grace", verdict: .rejected, comment: "  ") == "a rejection needs a comment saying why (--comment)")
        #expect(refusal("grace", verdict: .rejected, comment: "no", breakGlass: "x") == "break glass is for approving during a freeze window, not for rejecting")
    }

    @Test("break glass: only members of a breakGlass group, with a reason, while a freeze window holds")
    func breakGlassRules() {
        #expect(refusal("sam", ["sre-oncall"], breakGlass: "CVE fix", at: saturday) == nil)
        #expect(refusal("grace", breakGlass: "CVE fix", at: saturday) == "grace may not break glass here: only members of sre-oncall may")
        #expect(refusal("sam", ["sre-oncall"], breakGlass: " ", at: saturday) == "breaking glass needs a reason (--reason)")
        #expect(refusal("sam", ["sre-oncall"], breakGlass: "CVE fix", at: wednesday)
            == "no freeze window holds now, so there is nothing to break; approve without --break-glass")
        var nobody = requirements
        nobody.breakGlass = nil
        #expect(refusal("sam", ["sre-oncall"], breakGlass: "CVE fix", at: saturday, requirements: nobody)
            == "this environment lets nobody break glass (its spec has no breakGlass: { groups: [...] })")
    }

    @Test("a gate without approvals takes none, and says what to do about a freeze instead")
    func gateWithoutApprovals() {
        let soakOnly = GateRequirements(afterStage: "dev", soak: .seconds(60))
        #expect(refusal("grace", requirements: soakOnly) == "this gate asks for no approval")
        #expect(refusal("grace", verdict: .rejected, comment: "no", requirements: soakOnly) == "this gate asks for no approval, so there is nothing to reject")
        let frozenOnly = GateRequirements(afterStage: "dev", freeze: [F.weekend], breakGlass: BreakGlassPolicy(groups: ["sre-oncall"]))
        #expect(refusal("grace", at: saturday, requirements: frozenOnly)
            == "this gate waits for a freeze window to end, not for approvals; to override it, use --break-glass --reason")
    }
}
