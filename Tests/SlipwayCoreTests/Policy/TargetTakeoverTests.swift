import Testing
@testable import SlipwayCore

/// A commit cannot rename prod to shed its policy: a new environment on the target of one whose
/// policy is in effect is refused.
@Suite struct TargetTakeoverTests {
    typealias P = PolicyFixtures

    @Test("prod2 on prod's port is refused; on another port, or prod itself, it is not")
    func renamedProd() throws {
        var prod2 = P.prod(approvals: nil)
        prod2.metadata = SpecMetadata(name: "prod2")
        let takeover = try #require(TargetTakeover.find(release: [prod2], inEffect: [P.releaseOne]))
        #expect(takeover.description.hasPrefix("environment prod2 deploys to local :18082, where prod's policy is in effect"))
        var elsewhere = prod2
        elsewhere.target = .local(port: 19999)
        #expect(TargetTakeover.find(release: [elsewhere], inEffect: [P.releaseOne]) == nil)
        #expect(TargetTakeover.find(release: [P.prod(approvals: nil)], inEffect: [P.releaseOne]) == nil)
    }

    @Test("Kubernetes targets are the same when context and namespace are")
    func kubernetes() {
        let a = DeploymentTarget.kubernetes(KubernetesTarget(context: "eks", namespace: "serving", traffic: .istio))
        let b = DeploymentTarget.kubernetes(KubernetesTarget(context: "eks", namespace: "serving", traffic: .service))
        let c = DeploymentTarget.kubernetes(KubernetesTarget(context: "eks", namespace: "other"))
        #expect(TargetTakeover.sameTarget(a, b))
        #expect(!TargetTakeover.sameTarget(a, c))
        #expect(!TargetTakeover.sameTarget(a, .local(port: 1)))
    }
}
