import Foundation
import SlipwayCore

/// Filters for the list of runs. Every filter is optional; results come newest first, a page at
/// a time, with a cursor for the next page (keyset pagination on the id, like ``HistoryQuery``).
public struct RunQuery: Sendable, Equatable {
    public var pipeline: String?
    public var status: RunStatus?
    /// A commit SHA or a prefix of one (at least 4 hexadecimal characters).
    public var commit: String?
    public var limit: Int
    public var cursor: RunCursor?

    public static let maximumLimit = 1000

    public init(pipeline: String? = nil, status: RunStatus? = nil, commit: String? = nil, limit: Int = 50, cursor: RunCursor? = nil) {
        self.pipeline = pipeline
        self.status = status
        self.commit = commit
        self.limit = limit
        self.cursor = cursor
    }
}

/// Where the next page of runs starts: an opaque token for users, the last id seen for the ledger.
public struct RunCursor: Sendable, Equatable, CustomStringConvertible {
    let lastID: Int64

    public init?(_ token: String) {
        guard token.hasPrefix("r"), let id = Int64(token.dropFirst()), id > 0 else { return nil }
        self.lastID = id
    }

    init(lastID: Int64) {
        self.lastID = lastID
    }

    public var description: String { "r\(lastID)" }
}

/// One page of runs.
public struct RunPage: Sendable, Equatable {
    public var runs: [RunRecord]
    /// Pass as `cursor` to get the next page; nil on the last page.
    public var nextCursor: RunCursor?
}
