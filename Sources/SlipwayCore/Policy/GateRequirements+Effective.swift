extension GateRequirements {
    /// The gate a release passes into an environment: its own policy (from its commit) and the
    /// policy in effect there, whichever is stricter, field by field —
    /// - the earlier stage: the environment just before this one in the promotion order
    ///   (`predecessor`), whatever the stage's `after:` names;
    /// - the longer soak;
    /// - approvals whenever either policy has an approval policy (an environment with one always
    ///   has its gate, whether the stage asks for approval or not): the larger `required` count
    ///   with the approvers of the policy in effect, self-approval forbidden if either forbids
    ///   it, the shorter expiry;
    /// - every freeze window of both;
    /// - break glass only for groups both allow.
    /// A release that changes the policy says so (``policyChange``); with no policy in effect yet,
    /// the release's own policy bootstraps the environment.
    ///
    /// Nil when nothing holds the stage: no earlier stage, soak, approvals, freeze or change.
    public static func effective(
        release: EnvironmentPolicy, inEffect: PolicyInEffect?, predecessor: String?
    ) -> GateRequirements? {
        let own = release.environment
        let effect = inEffect?.policy
        let soaks = [release.gate?.soak, effect?.gate?.soak].compactMap { $0 }
        var requirements = GateRequirements(
            afterStage: predecessor ?? release.gate?.stage ?? effect?.gate?.stage,
            soak: soaks.max(),
            approvals: stricterApprovals(own.approvals, inEffect: effect?.environment.approvals, hasPolicyInEffect: effect != nil),
            freeze: unionOfFreezes(effect?.environment.freeze ?? [], own.freeze),
            breakGlass: effect == nil ? own.breakGlass : stricterBreakGlass(own.breakGlass, inEffect: effect?.environment.breakGlass)
        )
        if let inEffect {
            requirements.policyVersion = inEffect.version
            requirements.policyChange = PolicyChange.between(inEffect: inEffect, release: release)
        } else {
            requirements.policyVersion = "no policy in effect in \(own.name) yet: this release's own policy bootstraps it"
        }
        let holds = requirements.afterStage != nil || requirements.soak != nil || requirements.approvals != nil
            || !requirements.freeze.isEmpty || requirements.policyChange != nil
        return holds ? requirements : nil
    }

    static func stricterApprovals(_ own: ApprovalPolicy?, inEffect: ApprovalPolicy?, hasPolicyInEffect: Bool) -> ApprovalPolicy? {
        guard let inEffect else { return own }
        guard let own else { return inEffect }
        let expiries = [own.expiresAfter, inEffect.expiresAfter].compactMap { $0 }
        return ApprovalPolicy(
            required: max(own.required, inEffect.required), approvers: inEffect.approvers,
            forbidSelfApproval: own.forbidSelfApproval || inEffect.forbidSelfApproval, expiresAfter: expiries.min()
        )
    }

    static func stricterBreakGlass(_ own: BreakGlassPolicy?, inEffect: BreakGlassPolicy?) -> BreakGlassPolicy? {
        guard let inEffect, let own else { return nil }
        let groups = inEffect.groups.filter { own.groups.contains($0) }
        return groups.isEmpty ? nil : BreakGlassPolicy(groups: groups)
    }

    static func unionOfFreezes(_ first: [FreezeWindow], _ second: [FreezeWindow]) -> [FreezeWindow] {
        var windows = first
        for window in second where !windows.contains(window) { windows.append(window) }
        return windows
    }
}
