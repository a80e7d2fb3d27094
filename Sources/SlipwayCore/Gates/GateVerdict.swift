import Foundation

/// What a gate comes to when it looks at its facts.
public enum GateVerdict: Sendable, Equatable {
    /// Every condition holds: the stage may start.
    case open(GateOpening)
    /// Something still holds the gate. `recheckAfter` is when time alone changes the answer
    /// (the soak ends, a freeze window ends); nil when only a person or the earlier stage can.
    case waiting([GateWait], recheckAfter: Duration?)
    /// Someone rejected the release: the promotion fails (it moved no traffic).
    case failed(GateRejection)
}

/// How a gate opened, kept as the gate step's evidence.
public struct GateOpening: Sendable, Equatable {
    /// The people whose approvals counted, in the order they approved.
    public var approvedBy: [String]
    /// A freeze window held and this override lifted it.
    public var breakGlass: BreakGlassUse?

    public init(approvedBy: [String] = [], breakGlass: BreakGlassUse? = nil) {
        self.approvedBy = approvedBy
        self.breakGlass = breakGlass
    }
}

/// A break-glass override that a gate acted on.
public struct BreakGlassUse: Sendable, Equatable {
    public var user: String
    public var reason: String
    public var at: Date
    /// The freeze windows it lifted, e.g. `Fri 17:00 → Mon 08:00 Europe/Berlin`.
    public var windows: [String]
}

/// The rejection that failed a gate.
public struct GateRejection: Sendable, Equatable, CustomStringConvertible {
    public var user: String
    public var comment: String?
    public var at: Date

    /// `rejected by grace: the latency regression in staging`.
    public var description: String {
        "rejected by \(user)" + (comment.map { ": \($0)" } ?? "")
    }
}

/// One thing a gate waits for, said so a release manager knows what to do.
public enum GateWait: Sendable, Equatable {
    /// The earlier stage has not succeeded with this release (yet).
    case previousStage(String)
    /// The release must run in the earlier stage a while longer.
    case soak(remaining: Duration, after: String, until: Date)
    /// Not enough approvals count yet.
    case approvals(ApprovalTally)
    /// A freeze window holds, and nobody allowed to has broken glass.
    case frozen(FreezeWindow, until: Date?)

    /// For a person looking now: `soak: 3m12s left after staging`,
    /// `approvals: 1 of 2 (needs group release-managers); ada approved`,
    /// `frozen until Mon 08:00 Europe/Berlin: no weekend releases`.
    public var description: String {
        switch self {
        case .soak(let remaining, let after, _):
            return "soak: \(GateWait.format(remaining)) left after \(after)"
        default:
            return lastingDescription
        }
    }

    /// The same, in words that do not change while nothing happens (the soak says when it ends,
    /// not how long is left): what a runner records as the step's note, once per change.
    public var lastingDescription: String {
        switch self {
        case .previousStage(let stage):
            return "stage \(stage) has not succeeded with this release"
        case .soak(_, let after, let until):
            return "soak: after \(after) until \(GateWait.utcTime(until))"
        case .approvals(let tally):
            return tally.description
        case .frozen(let window, _):
            return "frozen until \(window.to) \(window.timeZone)" + (window.reason.map { ": \($0)" } ?? "")
        }
    }

    /// Whether a person can end this wait (by approving, or by breaking glass), as opposed to time.
    public var endsByDecision: Bool {
        switch self {
        case .approvals, .frozen: return true
        case .previousStage, .soak: return false
        }
    }

    /// Whole seconds, rounded up: `3m12s`, `45s`.
    static func format(_ duration: Duration) -> String {
        let seconds = duration.components.seconds + (duration.components.attoseconds > 0 ? 1 : 0)
        return SpecDuration.format(.seconds(max(seconds, 1)))
    }

    static func utcTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return formatter.string(from: date)
    }
}

/// How the approvals of a gate stand: who counts, who does not and why.
public struct ApprovalTally: Sendable, Equatable, CustomStringConvertible {
    /// Someone whose approval does not count, and why.
    public struct Exclusion: Sendable, Equatable {
        public enum Reason: Sendable, Equatable {
            case expired
            case otherRelease
            case notAnApprover
            /// `wrote the commit` or `started the run`, with `forbidSelfApproval`.
            case selfApproval(String)
        }

        public var user: String
        public var reason: Reason
    }

    public var required: Int
    public var approvers: [Approver]
    /// Whose approvals count, each person once, in the order they approved.
    public var counted: [String]
    /// Whose approvals do not count (each person once, the latest reason), in order.
    public var excluded: [Exclusion]

    public var isSatisfied: Bool { counted.count >= required }

    /// `approvals: 1 of 2 (needs group release-managers); ada approved; bob's approval expired`.
    public var description: String {
        var text = "approvals: \(counted.count) of \(required) (needs \(ApprovalTally.describe(approvers)))"
        if !counted.isEmpty { text += "; " + ApprovalTally.list(counted) + " approved" }
        for exclusion in excluded {
            let user = exclusion.user
            switch exclusion.reason {
            case .expired: text += "; \(user)'s approval expired"
            case .otherRelease: text += "; \(user)'s approval is for another release"
            case .notAnApprover: text += "; \(user) is not an approver"
            case .selfApproval(let why): text += "; \(user) cannot approve (\(why))"
            }
        }
        return text
    }

    /// `group release-managers or alice`.
    public static func describe(_ approvers: [Approver]) -> String {
        approvers.map { approver in
            switch approver {
            case .user(let name): return name
            case .group(let name): return "group \(name)"
            }
        }.joined(separator: " or ")
    }

    static func list(_ names: [String]) -> String {
        switch names.count {
        case 0: return ""
        case 1: return names[0]
        default: return names.dropLast().joined(separator: ", ") + " and " + names.last!
        }
    }
}
