/// `approvals:` of an environment: how many people must approve, and who may.
public struct ApprovalPolicy: Sendable, Equatable {
    public var required: Int
    public var approvers: [Approver]
    /// The commit's author and whoever triggered the run cannot approve it.
    public var forbidSelfApproval: Bool
    /// An approval older than this no longer counts; nil means it never expires.
    public var expiresAfter: Duration?

    public init(required: Int, approvers: [Approver], forbidSelfApproval: Bool = true, expiresAfter: Duration? = nil) {
        self.required = required
        self.approvers = approvers
        self.forbidSelfApproval = forbidSelfApproval
        self.expiresAfter = expiresAfter
    }
}

/// `user:alice` or `group:release-managers`.
public enum Approver: Sendable, Hashable, CustomStringConvertible {
    case user(String)
    case group(String)

    public static let expectation = "an approver written as user:NAME or group:NAME"

    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty, !parts[1].contains(" ") else { return nil }
        switch parts[0] {
        case "user": self = .user(parts[1])
        case "group": self = .group(parts[1])
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .user(let name): return "user:\(name)"
        case .group(let name): return "group:\(name)"
        }
    }

    /// Whether a person with this name and these groups is one of the approvers this entry allows.
    public func admits(user: String, groups: Set<String>) -> Bool {
        switch self {
        case .user(let name): return name == user
        case .group(let name): return groups.contains(name)
        }
    }
}
