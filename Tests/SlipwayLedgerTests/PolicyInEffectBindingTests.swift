import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTestSupport
import Testing

/// The policy in effect is what the chain records: a looser policy inserted by SQL for a
/// release that succeeded is skipped, and the environment's previous policy stays in effect.
@Suite("Policies in effect bound to their events")
struct PolicyInEffectBindingTests {
    typealias World = GateAtStaging

    /// Dev's spec; with approvals (one release manager) unless `approvals` is false.
    static func dev(approvals: Bool) -> EnvironmentPolicy {
        EnvironmentPolicy(
            environment: EnvironmentSpec(
                metadata: SpecMetadata(name: "dev"), location: .start(of: "environments/dev.yaml"), order: 1, target: .local(port: 18720),
                approvals: approvals ? ApprovalPolicy(required: 1, approvers: [.group("release-managers")]) : nil
            ),
            gate: nil
        )
    }

    /// Puts the strict policy in effect in dev through the ledger, with run 1's dev promotion,
    /// then makes a second release succeed in dev (through the ledger) and returns its promotion.
    static func strictPolicyThenSecondRelease(_ world: World) async throws -> (strict: PolicyInEffect, second: PromotionRecord) {
        try await world.ledger.transaction { tx in
            let dev = try #require(try await tx.promotion(runID: world.run.id, environment: "dev"))
            let strict = try #require(try await tx.recordPolicyInEffect(Self.dev(approvals: true), promotion: dev, actor: "ci"))
            let run = try await tx.createRun(newRun(commit: 2, by: "mallory")).run
            let second = try await tx.createPromotion(run: run, environment: "dev", releaseID: "model-serve-2", strategy: "blueGreen", actor: "ci")
            try await tx.movePromotion(id: second.id, to: .progressing, actor: "ci")
            let succeeded = try await tx.movePromotion(id: second.id, to: .succeeded, actor: "ci")
            return (strict, succeeded)
        }
    }

    /// Inserts dev's loose policy for `promotion` as a DBA would, with `digest` (by default the
    /// SHA-256 of its canonical JSON, as Slipway computes it), no event; returns the row's id.
    @discardableResult
    static func insertLoosePolicyBySQL(_ world: World, promotion: PromotionRecord, digest: String? = nil) async throws -> Int64 {
        let text = Forgery.literal(EventChain.canonicalJSON(Self.dev(approvals: false).json))
        let digestSQL = digest.map { "'\($0)'" } ?? "'sha256:' || encode(sha256(convert_to(\(text), 'UTF8')), 'hex')"
        try await TestDatabase.execute("""
            INSERT INTO environment_policies (environment, pipeline, promotion_id, commit_sha, policy, digest, bootstrap, recorded_at)
            VALUES ('dev', 'model-serve', \(promotion.id), '\(promotion.commitSHA)', \(text)::jsonb, \(digestSQL), false, now())
            """, on: world.configuration)
        let id = try await TestDatabase.column(
            "SELECT id::text FROM environment_policies WHERE promotion_id = \(promotion.id)", on: world.configuration
        )
        return try #require(id.first.flatMap { $0 }.flatMap { Int64($0) })
    }

    /// The `policy.changed` event the forged row lacks, chained correctly, signed by nothing.
    static func forgeEvent(_ world: World, promotion: PromotionRecord, digest: String) async throws {
        try await Forgery.appendEvent(
            world.ledger, on: world.configuration, actor: "ci", kind: "policy.changed", subject: "environment/dev",
            payload: .object([
                "environment": .string("dev"), "pipeline": .string("model-serve"), "promotion": .number(Double(promotion.id)),
                "commit": .string(promotion.commitSHA), "digest": .string(digest), "policy": Self.dev(approvals: false).json,
            ])
        )
    }

    @Test("a looser policy row inserted by SQL is skipped, even with a well-chained unsigned event; the previous one stays in effect")
    func insertedPolicySkipped() async throws {
        let (signing, _) = try Forgery.signing()
        try await World.with(signing: signing) { world in
            let (strict, second) = try await Self.strictPolicyThenSecondRelease(world)
            #expect(strict.policy.environment.approvals != nil)
            let row = try await Self.insertLoosePolicyBySQL(world, promotion: second)

            func inEffect() async throws -> (PolicyInEffect?, [PolicyInEffect]) {
                try await world.ledger.transaction { tx in
                    (try await tx.policyInEffect(environment: "dev", pipeline: "model-serve"), try await tx.policiesInEffect())
                }
            }
            var (dev, all) = try await inEffect()
            #expect(dev?.promotionID == strict.promotionID && dev?.digest == strict.digest)
            #expect(dev?.policy.environment.approvals?.required == 1)
            #expect(all.map(\.promotionID) == [strict.promotionID])
            let unbound = try await world.ledger.unboundFacts()
            #expect(unbound.map(\.table) == ["environment_policies"] && unbound.map(\.id) == [row])

            let forgedDigest = try #require(try await TestDatabase.column(
                "SELECT digest FROM environment_policies WHERE id = \(row)", on: world.configuration
            ).first.flatMap { $0 })
            try await Self.forgeEvent(world, promotion: second, digest: forgedDigest)
            #expect(try await world.ledger.unboundFacts().isEmpty, "bound by the chain; only the checkpoints show the event is foreign")
            (dev, all) = try await inEffect()
            #expect(dev?.promotionID == strict.promotionID && all.map(\.promotionID) == [strict.promotionID])
        }
    }

    @Test("a policy row and event whose digest is not the SHA-256 of the policy do not count")
    func wrongDigestSkipped() async throws {
        try await World.with { world in
            let (strict, second) = try await Self.strictPolicyThenSecondRelease(world)
            let digest = "sha256:" + String(repeating: "0", count: 64)
            let row = try await Self.insertLoosePolicyBySQL(world, promotion: second, digest: digest)
            try await Self.forgeEvent(world, promotion: second, digest: digest)
            let dev = try await world.ledger.transaction { tx in try await tx.policyInEffect(environment: "dev", pipeline: "model-serve") }
            #expect(dev?.promotionID == strict.promotionID)
            let unbound = try await world.ledger.unboundFacts()
            #expect(unbound.map(\.id) == [row])
            #expect(unbound.first?.summary.contains("not its policy's digest") == true)
        }
    }

    @Test("a policy Slipway recorded is in effect and bound, with or without a signing key")
    func recordedPolicyBound() async throws {
        let (signing, _) = try Forgery.signing()
        for key in [nil, signing] {
            try await World.with(signing: key) { world in
                let (strict, second) = try await Self.strictPolicyThenSecondRelease(world)
                let loose = try await world.ledger.transaction { tx in
                    try await tx.recordPolicyInEffect(Self.dev(approvals: false), promotion: second, actor: "ci")
                }
                let dev = try await world.ledger.transaction { tx in try await tx.policyInEffect(environment: "dev", pipeline: "model-serve") }
                #expect(dev?.promotionID == second.id && dev?.digest == loose?.digest && dev?.digest != strict.digest)
                #expect(try await world.ledger.unboundFacts().isEmpty)
            }
        }
    }
}
