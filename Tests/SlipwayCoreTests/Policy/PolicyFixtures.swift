import Foundation
@testable import SlipwayCore

/// Environments and policies the policy tests share: prod as release 1 put it in effect.
enum PolicyFixtures {
    static let location = SourceLocation(file: "environments/prod.yaml", line: 1, column: 1)

    static func prod(
        order: Int = 3, port: Int = 18082, approvals: ApprovalPolicy? = GateFixtures.twoReleaseManagers,
        freeze: [FreezeWindow] = [GateFixtures.weekend], breakGlass: BreakGlassPolicy? = BreakGlassPolicy(groups: ["sre-oncall"]),
        endpoints: [String] = ["http://127.0.0.1:11434", "http://127.0.0.1:11435"]
    ) -> EnvironmentSpec {
        EnvironmentSpec(
            metadata: SpecMetadata(name: "prod"), location: location, order: order, target: .local(port: port),
            ollamaEndpoints: endpoints, approvals: approvals, freeze: freeze, breakGlass: breakGlass,
            drift: DriftSettings(interval: .seconds(300), selfHeal: false)
        )
    }

    static func gate(_ stage: String = "staging", soak: Duration? = nil, approval: Bool = true) -> StageGateSpec {
        StageGateSpec(stage: stage, soak: soak, approval: approval, location: location)
    }

    static func inEffect(_ policy: EnvironmentPolicy, promotion: Int64 = 7) -> PolicyInEffect {
        PolicyInEffect(
            policy: policy, promotionID: promotion, commitSHA: String(repeating: "c", count: 40),
            digest: "sha256:" + String(repeating: "d", count: 64), bootstrap: false
        )
    }

    /// Release 1's prod policy: two release managers, no self-approval, weekend freeze, SRE break glass.
    static let releaseOne = inEffect(EnvironmentPolicy(environment: prod(), gate: gate()))
}
