import Foundation
import Testing
@testable import SlipwayCore

/// The gate's decision from its facts at an injected instant: the earlier stage, soak time,
/// N-of-M approvals with their rules, rejections, and freeze windows with break glass.
@Suite struct GateEvaluationTests {
    typealias F = GateFixtures
    let now = F.wednesdayNoon

    @Test("a gate with nothing left to wait for opens")
    func opensWhenNothingHolds() {
        let verdict = GateRequirements(afterStage: "dev").evaluate(F.facts(now: now), at: now)
        #expect(verdict == .open(GateOpening()))
    }

    @Test("it waits while the earlier stage has not succeeded with this release, and cannot count a soak yet")
    func waitsForTheEarlierStage() {
        let requirements = GateRequirements(afterStage: "dev", soak: .seconds(300))
        let verdict = requirements.evaluate(F.facts(now: now, previous: .some(nil)), at: now)
        #expect(verdict.waitTexts == ["stage dev has not succeeded with this release"])
        #expect(verdict == .waiting([.previousStage("dev")], recheckAfter: nil))
    }

    @Test("the soak counts from the earlier stage's success: 3m12s left, then open at the second it ends")
    func soakCountsFromTheEarlierStage() {
        let requirements = GateRequirements(afterStage: "staging", soak: .seconds(300))
        let succeeded = now.addingTimeInterval(-108)
        let waiting = requirements.evaluate(F.facts(now: now, previous: succeeded), at: now)
        #expect(waiting.waitTexts == ["soak: 3m12s left after staging"])
        #expect(waiting == .waiting(
            [.soak(remaining: .seconds(192), after: "staging", until: succeeded.addingTimeInterval(300))], recheckAfter: .seconds(192)
        ))
        if case .waiting(let waits, _) = waiting {
            #expect(waits.map(\.lastingDescription) == ["soak: after staging until 2026-03-25 11:03:12 UTC"])
        }
        let almost = requirements.evaluate(F.facts(now: now, previous: succeeded), at: succeeded.addingTimeInterval(299.5))
        #expect(almost.waitTexts == ["soak: 1s left after staging"])
        #expect(requirements.evaluate(F.facts(now: now, previous: succeeded), at: succeeded.addingTimeInterval(300)) == .open(GateOpening()))
    }

    @Test("two of the release managers must approve: one is not enough, two open the gate")
    func twoOfTheReleaseManagers() {
        let requirements = GateRequirements(afterStage: "staging", approvals: F.twoReleaseManagers)
        let grace = F.approval("grace", at: now.addingTimeInterval(-60))
        let one = requirements.evaluate(F.facts(now: now, decisions: [grace]), at: now)
        #expect(one.waitTexts == ["approvals: 1 of 2 (needs group release-managers); grace approved"])
        #expect(one.isWaiting && one.recheckAfter == nil, "only a person can change this")
        let none = requirements.evaluate(F.facts(now: now), at: now)
        #expect(none.waitTexts == ["approvals: 0 of 2 (needs group release-managers)"])
        let two = requirements.evaluate(F.facts(now: now, decisions: [grace, F.approval("linus", at: now)]), at: now)
        #expect(two.opening?.approvedBy == ["grace", "linus"])
    }

    @Test("approvers named as users count without any group; people in neither list do not")
    func userApproversAndOutsiders() {
        let policy = ApprovalPolicy(required: 1, approvers: [.user("alice"), .group("sre")], forbidSelfApproval: true)
        let requirements = GateRequirements(afterStage: "staging", approvals: policy)
        let outsider = requirements.evaluate(F.facts(now: now, decisions: [F.approval("mallory", groups: ["devs"], at: now)]), at: now)
        #expect(outsider.waitTexts == ["approvals: 0 of 1 (needs alice or group sre); mallory is not an approver"])
        let alice = requirements.evaluate(F.facts(now: now, decisions: [F.approval("alice", groups: [], at: now)]), at: now)
        #expect(alice.opening?.approvedBy == ["alice"])
        let sre = requirements.evaluate(F.facts(now: now, decisions: [F.approval("bob", groups: ["sre", "devs"], at: now)]), at: now)
        #expect(sre.opening?.approvedBy == ["bob"])
    }

    @Test("one person counts once, however often they approve")
    func onePersonCountsOnce() {
        let requirements = GateRequirements(afterStage: "staging", approvals: F.twoReleaseManagers)
        let twice = [F.approval("grace", at: now.addingTimeInterval(-120)), F.approval("grace", at: now.addingTimeInterval(-60))]
        let verdict = requirements.evaluate(F.facts(now: now, decisions: twice), at: now)
        #expect(verdict.waitTexts == ["approvals: 1 of 2 (needs group release-managers); grace approved"])
    }

    @Test(
        "the commit's author (by name, address or its local part) and whoever started the run cannot approve",
        arguments: [("ada", "wrote the commit"), ("ADA", "wrote the commit"), ("Ada Lovelace", "wrote the commit"),
                    ("ada@example.com", "wrote the commit"), ("ci", "started the run")]
    )
    func selfApprovalIsRefused(user: String, why: String) {
        let requirements = GateRequirements(afterStage: "staging", approvals: F.twoReleaseManagers)
        let decisions = [F.approval(user, at: now), F.approval("grace", at: now)]
        let verdict = requirements.evaluate(F.facts(now: now, decisions: decisions), at: now)
        #expect(verdict.waitTexts == ["approvals: 1 of 2 (needs group release-managers); grace approved; \(user) cannot approve (\(why))"])
    }

    @Test("without forbidSelfApproval the author's approval counts like anyone's")
    func selfApprovalAllowedWhenThePolicySaysSo() {
        var policy = F.twoReleaseManagers
        policy.forbidSelfApproval = false
        let requirements = GateRequirements(afterStage: "staging", approvals: policy)
        let verdict = requirements.evaluate(F.facts(now: now, decisions: [F.approval("ada", at: now), F.approval("ci", at: now)]), at: now)
        #expect(verdict.opening?.approvedBy == ["ada", "ci"])
    }

    @Test("an approval stops counting after expiresAfter; approving again counts anew")
    func approvalsExpire() {
        let policy = ApprovalPolicy(required: 1, approvers: [.group("release-managers")], expiresAfter: .seconds(3600))
        let requirements = GateRequirements(afterStage: "staging", approvals: policy)
        let given = now
        let facts = F.facts(now: now, decisions: [F.approval("grace", at: given)])
        #expect(requirements.evaluate(facts, at: given.addingTimeInterval(3599)).opening?.approvedBy == ["grace"])
        let expired = requirements.evaluate(facts, at: given.addingTimeInterval(3600))
        #expect(expired.waitTexts == ["approvals: 0 of 1 (needs group release-managers); grace's approval expired"])
        let renewed = F.facts(now: now, decisions: [F.approval("grace", at: given), F.approval("grace", at: given.addingTimeInterval(3700))])
        #expect(requirements.evaluate(renewed, at: given.addingTimeInterval(3800)).opening?.approvedBy == ["grace"])
    }

    @Test(
        "an approval binds to the exact release: another commit, artifact digest or model digest does not count",
        arguments: [
            ReleaseBinding(commitSHA: String(repeating: "b", count: 40), artifacts: GateFixtures.release.artifacts, modelDigest: GateFixtures.release.modelDigest),
            ReleaseBinding(commitSHA: GateFixtures.release.commitSHA, artifacts: ["model-serve": "sha256:" + String(repeating: "3", count: 64)], modelDigest: GateFixtures.release.modelDigest),
            ReleaseBinding(commitSHA: GateFixtures.release.commitSHA, artifacts: GateFixtures.release.artifacts, modelDigest: "sha256:" + String(repeating: "4", count: 64)),
            ReleaseBinding(commitSHA: GateFixtures.release.commitSHA, artifacts: GateFixtures.release.artifacts, modelDigest: nil),
        ]
    )
    func approvalsBindToTheRelease(other: ReleaseBinding) {
        let requirements = GateRequirements(afterStage: "staging", approvals: ApprovalPolicy(required: 1, approvers: [.group("release-managers")]))
        let verdict = requirements.evaluate(F.facts(now: now, decisions: [F.approval("grace", at: now, release: other)]), at: now)
        #expect(verdict.waitTexts == ["approvals: 0 of 1 (needs group release-managers); grace's approval is for another release"])
    }

    @Test("a rejection by an approver fails the gate, even with enough approvals and a soak still running")
    func rejectionFails() {
        let requirements = GateRequirements(afterStage: "staging", soak: .seconds(3600 * 5), approvals: F.twoReleaseManagers)
        let decisions = [
            F.approval("grace", at: now), F.approval("linus", at: now),
            F.rejection("margaret", at: now, comment: "p99 latency doubled in staging"),
        ]
        let verdict = requirements.evaluate(F.facts(now: now, decisions: decisions), at: now)
        guard case .failed(let rejection) = verdict else {
            Issue.record("expected a failed gate, got \(verdict)")
            return
        }
        #expect(rejection.description == "rejected by margaret: p99 latency doubled in staging")
    }

    @Test("an author may reject their own release; outsiders and rejections of another release change nothing")
    func whoseRejectionsCount() {
        let requirements = GateRequirements(afterStage: "staging", approvals: ApprovalPolicy(required: 1, approvers: [.group("release-managers")]))
        let older = ReleaseBinding(commitSHA: String(repeating: "b", count: 40))
        let ignored = [
            F.rejection("mallory", groups: ["devs"], at: now, comment: "no"),
            F.rejection("grace", at: now, comment: "the old one was bad", release: older),
            F.approval("linus", at: now),
        ]
        #expect(requirements.evaluate(F.facts(now: now, decisions: ignored), at: now).opening?.approvedBy == ["linus"])
        let own = requirements.evaluate(F.facts(now: now, decisions: [F.rejection("ada", at: now, comment: "I found a bug")]), at: now)
        #expect(own == .failed(GateRejection(user: "ada", comment: "I found a bug", at: now)))
    }

    @Test("a gate that asks for no approval cannot be rejected")
    func noPolicyNoRejection() {
        let requirements = GateRequirements(afterStage: "dev")
        let verdict = requirements.evaluate(F.facts(now: now, decisions: [F.rejection("grace", at: now, comment: "no")]), at: now)
        #expect(verdict == .open(GateOpening()))
    }
}
