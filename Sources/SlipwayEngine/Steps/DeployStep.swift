import SlipwayCore

/// Starts the release in the target's idle slot (or finds it already there after a restart).
struct DeployStep: PromotionStepRunner {
    static let kind = StepKind.deploy

    func run(_ config: NoConfig, context: StepContext) async -> StepOutcome {
        do {
            // The kept binary is hashed again right before it starts: one changed on disk fails here.
            try ReleaseStore.verifyBeforeStart(executable: context.services.launch.executable)
        } catch let tampered as ReleaseStore.TamperedRelease {
            return .failedTerminal(
                reason: "the release's binary does not match its recorded digest: \(tampered)",
                evidence: .object(["executable": .string(tampered.executable), "expected": .string(tampered.expected), "found": .string(tampered.found)])
            )
        } catch {
            return .failedTerminal(reason: "the release's binary cannot be hashed before it starts: \(error)", evidence: .object([:]))
        }
        do {
            let url = try await context.target.deploy(context.services.launch)
            return .done(evidence: .object(["url": .string(url), "release": .string(context.releaseID)]))
        } catch {
            return .failedTerminal(reason: "the release did not start: \(error)", evidence: .object([:]))
        }
    }
}
