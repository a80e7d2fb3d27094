import Foundation

/// What the ledger knows that a gate decides on, read just before it decides.
public struct GateFacts: Sendable, Equatable {
    /// When the earlier stage succeeded with this release; nil while it has not.
    public var previousStageSucceededAt: Date?
    /// The release being promoted, as it is now.
    public var release: ReleaseBinding
    /// The commit's author as git records it (`Name <email>`).
    public var commitAuthor: String?
    /// Who started the run.
    public var triggeredBy: String?
    /// Every approval and rejection recorded for this promotion, oldest first.
    public var decisions: [GateDecision]
    /// Decisions found in the ledger that no event in its chain records (rows written outside
    /// Slipway), described for a person; they are not in `decisions` and never count.
    public var unboundDecisions: [String] = []

    public init(
        previousStageSucceededAt: Date?, release: ReleaseBinding, commitAuthor: String? = nil, triggeredBy: String? = nil,
        decisions: [GateDecision] = []
    ) {
        self.previousStageSucceededAt = previousStageSucceededAt
        self.release = release
        self.commitAuthor = commitAuthor
        self.triggeredBy = triggeredBy
        self.decisions = decisions
    }

    /// Why `user` may not approve their own release (`wrote the commit`, `started the run`), or
    /// nil. A user name matches an author `Ada Lovelace <ada@example.com>` when it is (ignoring
    /// case) the name, the address, or the address's local part (`ada`).
    public func selfApproval(by user: String) -> String? {
        let name = user.lowercased()
        if let author = commitAuthor, Self.identities(ofAuthor: author).contains(name) {
            return "wrote the commit"
        }
        if let triggeredBy, triggeredBy.lowercased() == name {
            return "started the run"
        }
        return nil
    }

    static func identities(ofAuthor author: String) -> Set<String> {
        var names: Set<String> = []
        if let open = author.lastIndex(of: "<"), let close = author.lastIndex(of: ">"), open < close {
            let display = author[..<open].trimmingCharacters(in: .whitespaces)
            let email = String(author[author.index(after: open)..<close]).trimmingCharacters(in: .whitespaces)
            if !display.isEmpty { names.insert(display.lowercased()) }
            if !email.isEmpty {
                names.insert(email.lowercased())
                if let at = email.firstIndex(of: "@") { names.insert(email[..<at].lowercased()) }
            }
        } else {
            let trimmed = author.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { names.insert(trimmed.lowercased()) }
        }
        return names
    }
}
