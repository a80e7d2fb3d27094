import Foundation

/// One person's decision about a promotion at its gate, as the ledger recorded it: an approval
/// (possibly overriding a freeze window — break glass — with a reason) or a rejection.
public struct GateDecision: Sendable, Equatable {
    public enum Verdict: String, Sendable, Codable, CaseIterable {
        case approved, rejected
    }

    public var user: String
    /// The groups the person's token named when they decided.
    public var groups: Set<String>
    public var verdict: Verdict
    public var comment: String?
    /// The release the person decided about.
    public var release: ReleaseBinding
    public var at: Date
    /// Set when the approval overrides a freeze window: why it had to ship now.
    public var breakGlassReason: String?
    /// The person's verified email (an identity provider's claim); nil for API tokens.
    public var email: String?

    public init(
        user: String, groups: Set<String> = [], verdict: Verdict, comment: String? = nil, release: ReleaseBinding, at: Date,
        breakGlassReason: String? = nil, email: String? = nil
    ) {
        self.user = user
        self.groups = groups
        self.verdict = verdict
        self.comment = comment
        self.release = release
        self.at = at
        self.breakGlassReason = breakGlassReason
        self.email = email
    }

    public var isBreakGlass: Bool { breakGlassReason != nil }
}
