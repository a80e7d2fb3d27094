import CGit2
import Foundation

/// Who made a commit and when: one of a commit's two signatures.
///
/// Git records the author (who wrote the change) and the committer (who put
/// it on the branch) separately; an auditor asking "who shipped this" may
/// need either, so both are kept.
public struct GitSignature: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var email: String
    /// The instant of the signature.
    public var time: Date
    /// The signer's UTC offset in minutes when they signed, as git stored it
    /// (`+0200` is 120). `time` is absolute; this is only for display.
    public var utcOffsetMinutes: Int

    public init(name: String, email: String, time: Date, utcOffsetMinutes: Int = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    /// `Name <email>`, the form git prints.
    public var description: String { "\(name) <\(email)>" }
}

/// What Slipway needs to know about one commit: to record a run in the
/// ledger, to show a release in `slipway status`, and to walk history in
/// `watch`.
///
/// It is a value copied out of libgit2, so it outlives the repository it was
/// read from and can be sent between tasks.
public struct GitCommitInfo: Hashable, Sendable, Identifiable {
    /// The commit's own id.
    public var id: GitObjectID
    public var author: GitSignature
    public var committer: GitSignature
    /// The first line of the message (libgit2's `git_commit_summary`: the
    /// first paragraph with line breaks folded).
    public var summary: String
    /// The full message, as git stores it (usually ending in a newline).
    public var message: String
    /// The parents' ids in order; the first is the branch the commit was
    /// made on. Empty for a root commit, two or more for a merge.
    public var parentIDs: [GitObjectID]

    public init(
        id: GitObjectID, author: GitSignature, committer: GitSignature,
        summary: String, message: String, parentIDs: [GitObjectID]
    ) {
        self.id = id
        self.author = author
        self.committer = committer
        self.summary = summary
        self.message = message
        self.parentIDs = parentIDs
    }

    /// When the commit was made on the branch: the committer's time, which is
    /// what `git log` orders by.
    public var time: Date { committer.time }

    /// Whether the commit merges two or more lines of history.
    public var isMerge: Bool { parentIDs.count > 1 }
}

// MARK: - The C boundary

extension GitSignature {
    /// Copies a `git_signature` owned by libgit2.
    init(_ signature: UnsafePointer<git_signature>) {
        let value = signature.pointee
        self.init(
            name: LibGit2.string(value.name),
            email: LibGit2.string(value.email),
            time: Date(timeIntervalSince1970: TimeInterval(value.when.time)),
            utcOffsetMinutes: Int(value.when.offset)
        )
    }
}

extension GitCommitInfo {
    /// Copies everything out of a loaded `git_commit`, which the caller still
    /// owns and frees.
    init(commit: OpaquePointer) {
        let parentCount = git_commit_parentcount(commit)
        var parents: [GitObjectID] = []
        parents.reserveCapacity(Int(parentCount))
        for index in 0..<parentCount {
            if let parent = git_commit_parent_id(commit, index) {
                parents.append(GitObjectID(parent))
            }
        }
        self.init(
            id: GitObjectID(git_commit_id(commit)),
            author: GitSignature(git_commit_author(commit)),
            committer: GitSignature(git_commit_committer(commit)),
            summary: LibGit2.string(git_commit_summary(commit)),
            message: LibGit2.string(git_commit_message(commit)),
            parentIDs: parents
        )
    }
}
