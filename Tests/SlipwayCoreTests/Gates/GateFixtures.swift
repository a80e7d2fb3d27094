import Foundation
@testable import SlipwayCore

/// Releases, people and instants the gate tests share. Times are UTC; Berlin is UTC+1 in March
/// before the 29th (CET).
enum GateFixtures {
    static let release = ReleaseBinding(
        commitSHA: String(repeating: "a", count: 40),
        artifacts: ["model-serve": "sha256:" + String(repeating: "1", count: 64)],
        modelDigest: "sha256:" + String(repeating: "2", count: 64)
    )

    /// Wednesday 2026-03-25 12:00 in Berlin: no weekend freeze.
    static let wednesdayNoon = instant("2026-03-25T11:00:00Z")
    /// Saturday 2026-03-21 12:00 in Berlin: inside the weekend freeze.
    static let saturdayNoon = instant("2026-03-21T11:00:00Z")
    /// Monday 2026-03-23 08:00 in Berlin: when that freeze ends.
    static let mondayEight = instant("2026-03-23T07:00:00Z")

    static let weekend = FreezeWindow(
        from: .weekly(weekday: 5, hour: 17, minute: 0), to: .weekly(weekday: 1, hour: 8, minute: 0),
        timeZone: "Europe/Berlin", reason: "no weekend releases"
    )

    /// Two approvals from release managers, valid for a day, no self-approval.
    static let twoReleaseManagers = ApprovalPolicy(
        required: 2, approvers: [.group("release-managers")], forbidSelfApproval: true, expiresAfter: .seconds(86_400)
    )

    static func instant(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text)!
    }

    /// Facts with the earlier stage done an hour before `now`, Ada's commit, run by `ci`.
    static func facts(now: Date, decisions: [GateDecision] = [], previous: Date?? = nil) -> GateFacts {
        GateFacts(
            previousStageSucceededAt: previous ?? now.addingTimeInterval(-3600), release: release,
            commitAuthor: "Ada Lovelace <ada@example.com>", triggeredBy: "ci", decisions: decisions
        )
    }

    static func approval(
        _ user: String, groups: Set<String> = ["release-managers"], at: Date, release: ReleaseBinding = release,
        breakGlass reason: String? = nil, comment: String? = nil
    ) -> GateDecision {
        GateDecision(user: user, groups: groups, verdict: .approved, comment: comment, release: release, at: at, breakGlassReason: reason)
    }

    static func rejection(_ user: String, groups: Set<String> = ["release-managers"], at: Date, comment: String, release: ReleaseBinding = release) -> GateDecision {
        GateDecision(user: user, groups: groups, verdict: .rejected, comment: comment, release: release, at: at)
    }
}

extension GateVerdict {
    /// The waits, each as a person reads it now; empty unless waiting.
    var waitTexts: [String] {
        if case .waiting(let waits, _) = self { return waits.map(\.description) }
        return []
    }

    /// When time alone would change a waiting verdict; nil otherwise.
    var recheckAfter: Duration? {
        if case .waiting(_, let recheck) = self { return recheck }
        return nil
    }

    var isWaiting: Bool {
        if case .waiting = self { return true }
        return false
    }

    var opening: GateOpening? {
        if case .open(let opening) = self { return opening }
        return nil
    }
}
