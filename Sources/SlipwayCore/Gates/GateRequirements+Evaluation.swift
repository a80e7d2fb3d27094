import Foundation

extension GateRequirements {
    /// Decides the gate from `facts` at `now`. A rejection of this release by an approver fails
    /// it whatever else holds; otherwise it opens when the earlier stage succeeded, the soak time
    /// has passed, no freeze window holds (or one allowed to has broken glass for this release)
    /// and enough approvals count.
    public func evaluate(_ facts: GateFacts, at now: Date) -> GateVerdict {
        if let rejection = rejection(in: facts) {
            return .failed(rejection)
        }
        var waits: [GateWait] = []
        var recheck: [Duration] = []
        if let afterStage {
            if let succeeded = facts.previousStageSucceededAt {
                if let soak {
                    let until = succeeded.addingTimeInterval(Self.seconds(soak))
                    if now < until {
                        let remaining = Self.duration(until.timeIntervalSince(now))
                        waits.append(.soak(remaining: remaining, after: afterStage, until: until))
                        recheck.append(remaining)
                    }
                }
            } else {
                waits.append(.previousStage(afterStage))
            }
        }
        let frozen = activeFreezes(at: now)
        var override: BreakGlassUse?
        if !frozen.isEmpty {
            let overrides = frozen.map { breakGlassOverride(of: $0, in: facts, at: now) }
            if let decision = overrides.last ?? nil, overrides.allSatisfy({ $0 != nil }) {
                override = BreakGlassUse(
                    user: decision.user, reason: decision.breakGlassReason ?? "", at: decision.at, windows: frozen.map(\.summary)
                )
            } else {
                for (window, lifted) in zip(frozen, overrides) where lifted == nil {
                    let end = window.end(after: now)
                    waits.append(.frozen(window, until: end))
                    if let end { recheck.append(Self.duration(end.timeIntervalSince(now))) }
                }
            }
        }
        var approvedBy: [String] = []
        if let tally = tally(facts, at: now) {
            approvedBy = tally.counted
            if !tally.isSatisfied { waits.append(.approvals(tally)) }
        }
        guard waits.isEmpty else { return .waiting(waits, recheckAfter: recheck.min()) }
        return .open(GateOpening(approvedBy: approvedBy, breakGlass: override))
    }

    /// The first rejection of this release by someone the approval policy admits (an author may
    /// reject their own release). A gate without an approval policy cannot be rejected.
    func rejection(in facts: GateFacts) -> GateRejection? {
        guard let approvals else { return nil }
        let decision = facts.decisions.first { decision in
            decision.verdict == .rejected && decision.release == facts.release
                && approvals.admits(user: decision.user, groups: decision.groups)
        }
        return decision.map { GateRejection(user: $0.user, comment: $0.comment, at: $0.at) }
    }

    /// The latest break-glass approval of this release, by a member of a break-glass group, that
    /// lifts `window` at `now`: one given while the same occurrence of the window held (an
    /// override is bound to the window it overrode — last weekend's does not lift this one's, and
    /// one given before a window began lifts nothing).
    func breakGlassOverride(of window: FreezeWindow, in facts: GateFacts, at now: Date) -> GateDecision? {
        guard let breakGlass else { return nil }
        let occurrenceEnd = window.end(after: now)
        return facts.decisions.last { decision in
            decision.verdict == .approved && decision.release == facts.release && breakGlass.admits(groups: decision.groups)
                && !(decision.breakGlassReason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                && window.contains(decision.at) && window.end(after: decision.at) == occurrenceEnd
        }
    }

    /// Whether a freeze window holds at `now` that no break-glass override of this release lifts:
    /// traffic must not move then (checked again right before every traffic move, not only at the
    /// gate). The windows that hold, or empty.
    public func unliftedFreezes(_ facts: GateFacts, at now: Date) -> [FreezeWindow] {
        activeFreezes(at: now).filter { breakGlassOverride(of: $0, in: facts, at: now) == nil }
    }

    /// How the approvals stand at `now`; nil when the gate asks for none.
    public func tally(_ facts: GateFacts, at now: Date) -> ApprovalTally? {
        guard let approvals else { return nil }
        var counted: [String] = []
        var excluded: [ApprovalTally.Exclusion] = []
        for decision in facts.decisions where decision.verdict == .approved {
            let user = decision.user
            guard !counted.contains(user) else { continue }
            var why: ApprovalTally.Exclusion.Reason?
            if !approvals.admits(user: user, groups: decision.groups) {
                // Someone who only broke glass did what they may: no need to say they cannot approve.
                if decision.isBreakGlass { continue }
                why = .notAnApprover
            } else if decision.release != facts.release {
                why = .otherRelease
            } else if approvals.forbidSelfApproval, let reason = selfApproval(by: user, email: decision.email, facts: facts) {
                why = .selfApproval(reason)
            } else if approvals.hasExpired(decision, at: now) {
                why = .expired
            }
            excluded.removeAll { $0.user == user }
            if let why {
                excluded.append(ApprovalTally.Exclusion(user: user, reason: why))
            } else {
                counted.append(user)
            }
        }
        return ApprovalTally(required: approvals.required, approvers: approvals.approvers, counted: counted, excluded: excluded)
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func duration(_ seconds: TimeInterval) -> Duration {
        .milliseconds(Int64((max(0, seconds) * 1000).rounded(.up)))
    }
}

extension ApprovalPolicy {
    /// Whether a person with this name and these groups is one of the approvers.
    public func admits(user: String, groups: Set<String>) -> Bool {
        approvers.contains { $0.admits(user: user, groups: groups) }
    }

    /// Whether `decision` is older than `expiresAfter` at `now`.
    public func hasExpired(_ decision: GateDecision, at now: Date) -> Bool {
        guard let expiresAfter else { return false }
        return now >= decision.at.addingTimeInterval(GateRequirements.seconds(expiresAfter))
    }

    /// When an approval given at `date` stops counting; nil when approvals never expire.
    public func expiry(ofApprovalAt date: Date) -> Date? {
        expiresAfter.map { date.addingTimeInterval(GateRequirements.seconds($0)) }
    }
}
