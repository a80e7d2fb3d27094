import Foundation

/// A decision someone asks to record, before it is checked against the gate's rules.
public struct GateDecisionRequest: Sendable, Equatable {
    public var user: String
    public var groups: Set<String>
    public var verdict: GateDecision.Verdict
    public var comment: String?
    /// Set to override a freeze window (`--break-glass --reason`).
    public var breakGlassReason: String?
    /// The person's verified email (an identity provider's claim); self-approval compares it too.
    public var email: String?

    public init(
        user: String, groups: Set<String>, verdict: GateDecision.Verdict, comment: String? = nil, breakGlassReason: String? = nil,
        email: String? = nil
    ) {
        self.user = user
        self.groups = groups
        self.verdict = verdict
        self.comment = comment
        self.breakGlassReason = breakGlassReason
        self.email = email
    }
}

extension GateRequirements {
    /// Why `request` may not be recorded now, said to the person who asked, or nil when it may.
    /// The gate applies the same rules again when it decides (a decision written to the ledger
    /// some other way counts only as far as they allow).
    public func refusal(of request: GateDecisionRequest, facts: GateFacts, at now: Date) -> String? {
        let user = request.user
        func blank(_ text: String?) -> Bool { (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        switch request.verdict {
        case .rejected:
            if blank(request.comment) { return "a rejection needs a comment saying why (--comment)" }
            if request.breakGlassReason != nil { return "break glass is for approving during a freeze window, not for rejecting" }
            guard let approvals else { return "this gate asks for no approval, so there is nothing to reject" }
            if !approvals.admits(user: user, groups: request.groups) {
                return "\(user) is not one of the approvers (\(ApprovalTally.describe(approvals.approvers)))"
            }
            return nil
        case .approved:
            if let reason = request.breakGlassReason {
                if blank(reason) { return "breaking glass needs a reason (--reason)" }
                guard let breakGlass else {
                    return "this environment lets nobody break glass (its spec has no breakGlass: { groups: [...] })"
                }
                if !breakGlass.admits(groups: request.groups) {
                    return "\(user) may not break glass here: only members of \(breakGlass.groups.joined(separator: ", ")) may"
                }
                if activeFreezes(at: now).isEmpty {
                    return "no freeze window holds now, so there is nothing to break; approve without --break-glass"
                }
                // Breaking glass lifts the freeze; it is an approval too when the person is an approver.
                return nil
            }
            guard let approvals else {
                if !activeFreezes(at: now).isEmpty {
                    return "this gate waits for a freeze window to end, not for approvals; to override it, use --break-glass --reason"
                }
                return "this gate asks for no approval"
            }
            if !approvals.admits(user: user, groups: request.groups) {
                return "\(user) is not one of the approvers (\(ApprovalTally.describe(approvals.approvers)))"
            }
            if approvals.forbidSelfApproval, let reason = selfApproval(by: user, email: request.email, facts: facts) {
                return "\(user) may not approve this release: \(user) \(reason) (the approval policy forbids self-approval)"
            }
            if tally(facts, at: now)?.counted.contains(user) == true {
                return "\(user) has already approved this release; one person counts once"
            }
            return nil
        }
    }
}
