import Foundation
import Testing
@testable import SlipwayCore

/// A release is judged by its own policy and the one in effect, whichever is stricter, field by
/// field: a commit cannot loosen the gate that judges it.
@Suite struct EffectiveGateTests {
    typealias P = PolicyFixtures
    typealias F = GateFixtures

    @Test("a commit that drops prod's approvals and the stage's approval: true still needs the approvals in effect")
    func droppingApprovalsDoesNotLoosenTheGate() throws {
        let loosened = EnvironmentPolicy(environment: P.prod(approvals: nil), gate: P.gate(approval: false))
        let gate = try #require(GateRequirements.effective(release: loosened, inEffect: P.releaseOne, predecessor: "staging"))
        #expect(gate.approvals == F.twoReleaseManagers)
        #expect(gate.afterStage == "staging")
        let change = try #require(gate.policyChange)
        #expect(change.headline == "this release changes prod's policy")
        #expect(change.differences.map(\.field) == ["environment.approvals", "gate.approval"])
        #expect(change.summary.contains("gate.approval: true → false"))
        #expect(gate.policyVersion == P.releaseOne.version)
        // One approval is not enough; two release managers open it.
        let now = F.wednesdayNoon
        let one = gate.evaluate(F.facts(now: now, decisions: [F.approval("grace", at: now)]), at: now)
        #expect(one.isWaiting)
        let two = gate.evaluate(F.facts(now: now, decisions: [F.approval("grace", at: now), F.approval("linus", at: now)]), at: now)
        #expect(two.opening?.approvedBy == ["grace", "linus"])
    }

    @Test("a stage without after: into an environment with an approval policy still has its gate, with its approvals")
    func noAfterStillGated() throws {
        let policy = EnvironmentPolicy(environment: P.prod(freeze: []), gate: nil)
        let gate = try #require(GateRequirements.effective(release: policy, inEffect: nil, predecessor: nil))
        #expect(gate.approvals == F.twoReleaseManagers)
        #expect(gate.afterStage == nil)
        #expect(gate.policyVersion?.contains("bootstraps") == true)
        #expect(gate.policyChange == nil)
    }

    @Test("field by field: the larger count with the approvers in effect, self-approval forbidden by either, the shorter expiry, the longer soak")
    func stricterFieldByField() throws {
        let inEffect = P.inEffect(EnvironmentPolicy(
            environment: P.prod(approvals: ApprovalPolicy(
                required: 1, approvers: [.group("release-managers")], forbidSelfApproval: false, expiresAfter: .seconds(3600)
            )),
            gate: P.gate(soak: .seconds(600))
        ))
        let release = EnvironmentPolicy(
            environment: P.prod(approvals: ApprovalPolicy(
                required: 3, approvers: [.group("release-managers"), .user("mallory")], forbidSelfApproval: true,
                expiresAfter: .seconds(86_400)
            )),
            gate: P.gate(soak: .seconds(60))
        )
        let gate = try #require(GateRequirements.effective(release: release, inEffect: inEffect, predecessor: "staging"))
        #expect(gate.approvals == ApprovalPolicy(
            required: 3, approvers: [.group("release-managers")], forbidSelfApproval: true, expiresAfter: .seconds(3600)
        ))
        #expect(gate.soak == .seconds(600))
        // mallory added herself as an approver in the release: her approval does not count.
        let now = F.wednesdayNoon
        let tally = try #require(gate.tally(F.facts(now: now, decisions: [F.approval("mallory", groups: [], at: now)]), at: now))
        #expect(tally.counted.isEmpty)
    }

    @Test("every freeze window of both; break glass only for groups both allow; none when the release drops it")
    func freezesAndBreakGlass() throws {
        let christmas = FreezeWindow(from: .once(year: 2026, month: 12, day: 23, hour: 18, minute: 0),
                                     to: .once(year: 2027, month: 1, day: 4, hour: 8, minute: 0), timeZone: "UTC")
        let widened = EnvironmentPolicy(
            environment: P.prod(freeze: [christmas], breakGlass: BreakGlassPolicy(groups: ["sre-oncall", "developers"])), gate: P.gate()
        )
        let gate = try #require(GateRequirements.effective(release: widened, inEffect: P.releaseOne, predecessor: "staging"))
        #expect(gate.freeze == [F.weekend, christmas])
        #expect(gate.breakGlass == BreakGlassPolicy(groups: ["sre-oncall"]))
        let dropped = EnvironmentPolicy(environment: P.prod(breakGlass: nil), gate: P.gate())
        #expect(GateRequirements.effective(release: dropped, inEffect: P.releaseOne, predecessor: "staging")?.breakGlass == nil)
        // A developer breaking glass on a Saturday lifts nothing.
        let saturday = F.saturdayNoon
        let glass = F.approval("dev", groups: ["developers"], at: saturday, breakGlass: "ship it")
        #expect(gate.evaluate(F.facts(now: saturday, decisions: [glass]), at: saturday).isWaiting)
    }

    @Test("the same rules written elsewhere are no change; a new Ollama endpoint or port is one")
    func changes() throws {
        let same = EnvironmentPolicy(environment: P.prod(), gate: P.gate())
        #expect(PolicyChange.between(inEffect: P.releaseOne, release: same) == nil)
        let moved = EnvironmentPolicy(environment: P.prod(port: 19000, endpoints: ["http://10.0.0.9:11434"]), gate: P.gate())
        let change = try #require(PolicyChange.between(inEffect: P.releaseOne, release: moved))
        #expect(change.differences.map(\.field) == ["environment.ollamaEndpoints", "environment.target.local.port"])
        #expect(change.differences[1].description == "environment.target.local.port: 18082 → 19000")
        #expect(PolicyChange(json: change.json) == change)
    }

    @Test("dev with nothing to wait for has no gate")
    func nothingHolds() {
        let dev = EnvironmentSpec(metadata: SpecMetadata(name: "dev"), location: P.location, order: 1, target: .local(port: 18080))
        #expect(GateRequirements.effective(release: EnvironmentPolicy(environment: dev, gate: nil), inEffect: nil, predecessor: nil) == nil)
    }

    @Test("policies and gate requirements survive the ledger's JSON")
    func jsonRoundTrips() throws {
        let kubernetes = EnvironmentSpec(
            metadata: SpecMetadata(name: "eks", labels: ["team": "ml"]), location: P.location, order: 4,
            target: .kubernetes(KubernetesTarget(context: "eks-1", namespace: "serving", traffic: .istio)),
            approvals: ApprovalPolicy(required: 1, approvers: [.user("ada")])
        )
        for policy in [EnvironmentPolicy(environment: P.prod(), gate: P.gate(soak: .seconds(90))), EnvironmentPolicy(environment: kubernetes, gate: nil)] {
            let read = try #require(EnvironmentPolicy(json: policy.json))
            #expect(read.sameRules(as: policy))
            #expect(read.environment.ollamaEndpoints == policy.environment.ollamaEndpoints)
            #expect(read.environment.target == policy.environment.target)
        }
        let loosened = EnvironmentPolicy(environment: P.prod(approvals: nil), gate: P.gate(approval: false))
        let gate = try #require(GateRequirements.effective(release: loosened, inEffect: P.releaseOne, predecessor: "staging"))
        #expect(GateRequirements(json: gate.json) == gate)
        let first = try #require(GateRequirements.effective(
            release: EnvironmentPolicy(environment: P.prod(), gate: nil), inEffect: nil, predecessor: nil
        ))
        #expect(GateRequirements(json: first.json) == first)
    }
}
