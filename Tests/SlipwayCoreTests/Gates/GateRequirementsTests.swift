import Foundation
import Testing
@testable import SlipwayCore

/// What a gate requires, from the stage and its environment, and kept as JSON in the ledger.
@Suite struct GateRequirementsTests {
    static let environmentFile = SpecFile.yaml("environments/prod.yaml", """
        apiVersion: slipway/v1
        kind: Environment
        metadata: { name: prod }
        spec:
          order: 3
          target: { local: { port: 18082 } }
          approvals: { required: 2, approvers: ["group:release-managers", "user:alice"], expiresAfter: 24h }
          freeze:
            - { from: "Fri 17:00", to: "Mon 08:00", timeZone: Europe/Berlin, reason: no weekend releases }
            - { from: "2026-12-23 18:00", to: "2027-01-04 08:00" }
          breakGlass: { groups: [sre-oncall, release-leads] }
        """)

    func prod() throws -> EnvironmentSpec {
        try #require(try loadSpecs([Self.environmentFile]).environment(named: "prod"))
    }

    @Test("the environment's policy applies only when the stage asks for approval; freeze windows and break glass always")
    func fromStageAndEnvironment() throws {
        let prod = try prod()
        #expect(prod.breakGlass == BreakGlassPolicy(groups: ["sre-oncall", "release-leads"]))
        let location = SourceLocation(file: "pipelines/p.yaml", line: 1, column: 1)
        let withApproval = GateRequirements(gate: StageGateSpec(stage: "staging", soak: .seconds(300), approval: true, location: location), environment: prod)
        #expect(withApproval == GateRequirements(
            afterStage: "staging", soak: .seconds(300), approvals: prod.approvals, freeze: prod.freeze, breakGlass: prod.breakGlass
        ))
        #expect(withApproval.involvesPeople)
        let without = GateRequirements(gate: StageGateSpec(stage: "staging", location: location), environment: prod)
        #expect(without.approvals == nil)
        #expect(without.freeze.count == 2)
        #expect(!GateRequirements(afterStage: "dev", soak: .seconds(5)).involvesPeople)
    }

    @Test("the JSON the ledger keeps reads back as the same requirements")
    func jsonRoundTrip() throws {
        let prod = try prod()
        let requirements = GateRequirements(
            afterStage: "staging", soak: .milliseconds(90_500), approvals: prod.approvals, freeze: prod.freeze, breakGlass: prod.breakGlass
        )
        #expect(GateRequirements(json: requirements.json) == requirements)
        #expect(requirements.json["approvals"]?["approvers"] == .array([.string("group:release-managers"), .string("user:alice")]))
        #expect(requirements.json["freeze"]?.description.contains("\"Fri 17:00\"") == true)
        let bare = GateRequirements(afterStage: "dev")
        #expect(GateRequirements(json: bare.json) == bare)
        #expect(GateRequirements(json: .object(["after": .number(5)])) == nil)
        #expect(GateRequirements(json: .string("dev")) == nil)
        // The first environment of the order comes after none.
        #expect(GateRequirements(json: .object(["soakMs": .number(5)])) == GateRequirements(afterStage: nil, soak: .milliseconds(5)))
        #expect(GateRequirements(json: .object(["after": .string("dev"), "approvals": .object(["required": .number(1)])])) == nil)
    }

    @Test("a release binding reads back from its JSON; its summary is short")
    func releaseBindingJSON() {
        let release = GateFixtures.release
        #expect(ReleaseBinding(json: release.json) == release)
        let noModel = ReleaseBinding(commitSHA: release.commitSHA, artifacts: [:], modelDigest: nil)
        #expect(ReleaseBinding(json: noModel.json) == noModel)
        #expect(ReleaseBinding(json: .object(["commit": .number(1)])) == nil)
        #expect(release.summary == "commit aaaaaaaaaaaa, model-serve sha256:111111111111, model sha256:222222222222")
    }

    static let breakGlassMistakes: [SpecMistake] = [
        .environment("break glass naming groups with group:", EnvironmentDecodingTests.environment("""
              breakGlass: { groups: ["group:sre"] }
            """),
            .at(environmentPath, 7, 26, "write the group's name without 'group:' in 'groups' of breakGlass, found \"group:sre\"")),
        .environment("break glass naming a user", EnvironmentDecodingTests.environment("""
              breakGlass:
                groups:
                  - sre
                  - user:alice
            """),
            .at(environmentPath, 10, 9, "breakGlass 'groups' names groups, not users, found \"user:alice\"")),
        .environment("break glass with no groups", EnvironmentDecodingTests.environment("""
              breakGlass: { groups: [] }
            """),
            .at(environmentPath, 7, 25, "breakGlass 'groups' must name at least one group")),
        .environment("break glass without groups", EnvironmentDecodingTests.environment("""
              breakGlass: { group: sre }
            """),
            .at(environmentPath, 7, 15, "missing required key 'groups' in breakGlass"),
            .at(environmentPath, 7, 17, "unknown key 'group' in breakGlass; expected one of: groups (did you mean 'groups'?)")),
        .environment("a group name with a space", EnvironmentDecodingTests.environment("""
              breakGlass: { groups: ["sre oncall"] }
            """),
            .at(environmentPath, 7, 26, "expected a group name in 'groups' of breakGlass, found \"sre oncall\"")),
    ]

    @Test(arguments: breakGlassMistakes)
    func breakGlassMistake(_ mistake: SpecMistake) {
        mistake.check()
    }
}
