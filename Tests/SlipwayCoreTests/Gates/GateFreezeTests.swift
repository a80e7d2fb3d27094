import Foundation
import Testing
@testable import SlipwayCore

/// Freeze windows at the gate: they hold it until they end, unless someone in a break-glass
/// group overrides them for this release with a reason.
@Suite struct GateFreezeTests {
    typealias F = GateFixtures
    let saturday = F.saturdayNoon
    let sre = BreakGlassPolicy(groups: ["sre-oncall"])

    func requirements(approvals: ApprovalPolicy? = nil, breakGlass: BreakGlassPolicy? = nil) -> GateRequirements {
        GateRequirements(afterStage: "staging", approvals: approvals, freeze: [F.weekend], breakGlass: breakGlass)
    }

    @Test("a freeze window holds the gate until it ends, and says until when and why")
    func frozenUntilMonday() {
        let verdict = requirements(breakGlass: sre).evaluate(F.facts(now: saturday), at: saturday)
        #expect(verdict.waitTexts == ["frozen until Mon 08:00 Europe/Berlin: no weekend releases"])
        #expect(verdict == .waiting(
            [.frozen(F.weekend, until: F.mondayEight)], recheckAfter: .seconds(F.mondayEight.timeIntervalSince(saturday))
        ))
        #expect(requirements().evaluate(F.facts(now: F.mondayEight), at: F.mondayEight) == .open(GateOpening()))
        #expect(requirements().evaluate(F.facts(now: F.wednesdayNoon), at: F.wednesdayNoon) == .open(GateOpening()))
    }

    @Test("break glass by a member of a breakGlass group, with a reason, lifts the freeze and is kept as evidence")
    func breakGlassLiftsTheFreeze() {
        let override = F.approval("sam", groups: ["sre-oncall"], at: saturday, breakGlass: "CVE-2026-1234 is exploited in the wild")
        let verdict = requirements(breakGlass: sre).evaluate(F.facts(now: saturday, decisions: [override]), at: saturday)
        #expect(verdict == .open(GateOpening(breakGlass: BreakGlassUse(
            user: "sam", reason: "CVE-2026-1234 is exploited in the wild", at: saturday, windows: ["Fri 17:00 → Mon 08:00 Europe/Berlin"]
        ))))
    }

    @Test(
        "break glass does not count from outside the groups, without a reason, for another release, or where nobody may break glass",
        arguments: [
            ("outside the group", GateFixtures.approval("mallory", groups: ["release-managers"], at: GateFixtures.saturdayNoon, breakGlass: "urgent"), true),
            ("a blank reason", GateFixtures.approval("sam", groups: ["sre-oncall"], at: GateFixtures.saturdayNoon, breakGlass: "  "), true),
            ("another release", GateFixtures.approval(
                "sam", groups: ["sre-oncall"], at: GateFixtures.saturdayNoon, release: ReleaseBinding(commitSHA: String(repeating: "c", count: 40)),
                breakGlass: "urgent"
            ), true),
            ("no breakGlass policy", GateFixtures.approval("sam", groups: ["sre-oncall"], at: GateFixtures.saturdayNoon, breakGlass: "urgent"), false),
        ]
    )
    func breakGlassThatDoesNotCount(_ what: String, decision: GateDecision, policy: Bool) {
        let verdict = requirements(breakGlass: policy ? sre : nil).evaluate(F.facts(now: saturday, decisions: [decision]), at: saturday)
        #expect(verdict.waitTexts == ["frozen until Mon 08:00 Europe/Berlin: no weekend releases"], "\(what)")
    }

    @Test("break glass lifts only the freeze: approvals are still needed, and a breaker who is no approver is not listed as one")
    func breakGlassIsNotAnApproval() {
        let policy = ApprovalPolicy(required: 1, approvers: [.group("release-managers")])
        let override = F.approval("sam", groups: ["sre-oncall"], at: saturday, breakGlass: "hotfix")
        let verdict = requirements(approvals: policy, breakGlass: sre).evaluate(F.facts(now: saturday, decisions: [override]), at: saturday)
        #expect(verdict.waitTexts == ["approvals: 0 of 1 (needs group release-managers)"])
        let both = requirements(approvals: policy, breakGlass: sre).evaluate(
            F.facts(now: saturday, decisions: [override, F.approval("grace", at: saturday)]), at: saturday
        )
        #expect(both.opening?.approvedBy == ["grace"])
        #expect(both.opening?.breakGlass?.user == "sam")
        // A release manager on call breaks glass and approves at once.
        let oncall = F.approval("grace", groups: ["release-managers", "sre-oncall"], at: saturday, breakGlass: "hotfix")
        let one = requirements(approvals: policy, breakGlass: sre).evaluate(F.facts(now: saturday, decisions: [oncall]), at: saturday)
        #expect(one.opening == GateOpening(approvedBy: ["grace"], breakGlass: BreakGlassUse(
            user: "grace", reason: "hotfix", at: saturday, windows: ["Fri 17:00 → Mon 08:00 Europe/Berlin"]
        )))
    }

    @Test("everything a gate waits for is listed, in order: soak, freeze, approvals")
    func everythingListed() {
        let all = GateRequirements(
            afterStage: "staging", soak: .seconds(600), approvals: F.twoReleaseManagers, freeze: [F.weekend], breakGlass: sre
        )
        let facts = F.facts(now: saturday, decisions: [F.approval("grace", at: saturday)], previous: saturday.addingTimeInterval(-60))
        let verdict = all.evaluate(facts, at: saturday)
        #expect(verdict.waitTexts == [
            "soak: 9m left after staging",
            "frozen until Mon 08:00 Europe/Berlin: no weekend releases",
            "approvals: 1 of 2 (needs group release-managers); grace approved",
        ])
        #expect(verdict.recheckAfter == .seconds(540), "the soak ends first: \(verdict)")
    }

    @Test(
        "a window's end is the next 'to' after the instant, in its time zone (summer time included); none outside it",
        arguments: [
            ("2026-03-21T11:00:00Z", "2026-03-23T07:00:00Z"),
            ("2026-03-22T23:30:00Z", "2026-03-23T07:00:00Z"),
            ("2026-03-27T16:00:00Z", "2026-03-30T06:00:00Z"),
        ]
    )
    func weeklyWindowEnds(at utc: String, end: String) {
        #expect(F.weekend.end(after: F.instant(utc)) == F.instant(end))
    }

    @Test("a one-off window ends at its 'to'; an instant outside any window has no end")
    func oneOffWindowEnds() {
        let holidays = FreezeWindow(
            from: .once(year: 2026, month: 12, day: 23, hour: 18, minute: 0), to: .once(year: 2027, month: 1, day: 4, hour: 8, minute: 0),
            timeZone: "Europe/Berlin"
        )
        #expect(holidays.end(after: F.instant("2026-12-30T12:00:00Z")) == F.instant("2027-01-04T07:00:00Z"))
        #expect(holidays.end(after: F.instant("2027-01-04T07:00:00Z")) == nil)
        #expect(F.weekend.end(after: F.wednesdayNoon) == nil)
    }

    @Test("a break-glass override is bound to the occurrence of the window it overrode: not before it began, not the next weekend")
    func breakGlassIsBoundToItsWindow() {
        let requirements = requirements(breakGlass: sre)
        let saturday = F.saturdayNoon
        let nextSaturday = saturday.addingTimeInterval(7 * 86_400)
        let glass = F.approval("sam", groups: ["sre-oncall"], at: saturday, breakGlass: "hotfix")
        #expect(requirements.evaluate(F.facts(now: saturday, decisions: [glass]), at: saturday).opening?.breakGlass?.user == "sam")
        #expect(requirements.evaluate(F.facts(now: nextSaturday, decisions: [glass]), at: nextSaturday).isWaiting)
        #expect(requirements.unliftedFreezes(F.facts(now: nextSaturday, decisions: [glass]), at: nextSaturday) == [F.weekend])
        #expect(requirements.unliftedFreezes(F.facts(now: saturday, decisions: [glass]), at: saturday).isEmpty)
        // Given on Wednesday, before the window began: it lifts nothing on Saturday.
        let early = F.approval("sam", groups: ["sre-oncall"], at: F.wednesdayNoon.addingTimeInterval(-7 * 86_400), breakGlass: "in advance")
        #expect(requirements.evaluate(F.facts(now: saturday, decisions: [early]), at: saturday).isWaiting)
    }
}
