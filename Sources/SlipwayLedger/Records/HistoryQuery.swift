import Foundation
import SlipwayCore

/// Filters for promotion history. Every filter is optional; results come newest
/// first, a page at a time, with a cursor for the next page (keyset pagination:
/// a page costs the same however deep it is).
public struct HistoryQuery: Sendable, Equatable {
    public var environment: String?
    public var pipeline: String?
    public var status: PromotionStatus?
    /// Who triggered the promotion or decided one of its approvals.
    public var actor: String?
    /// A commit SHA or a prefix of one (at least 4 characters).
    public var commit: String?
    public var since: Date?
    public var until: Date?
    public var limit: Int
    public var cursor: HistoryCursor?

    public static let maximumLimit = 1000

    public init(
        environment: String? = nil, pipeline: String? = nil, status: PromotionStatus? = nil, actor: String? = nil,
        commit: String? = nil, since: Date? = nil, until: Date? = nil, limit: Int = 50, cursor: HistoryCursor? = nil
    ) {
        self.environment = environment
        self.pipeline = pipeline
        self.status = status
        self.actor = actor
        self.commit = commit
        self.since = since
        self.until = until
        self.limit = limit
        self.cursor = cursor
    }
}

/// Where the next page starts: an opaque token for users, the last id seen for the ledger.
public struct HistoryCursor: Sendable, Equatable, CustomStringConvertible {
    let lastID: Int64

    public init?(_ token: String) {
        guard token.hasPrefix("p"), let id = Int64(token.dropFirst()), id > 0 else { return nil }
        self.lastID = id
    }

    init(lastID: Int64) {
        self.lastID = lastID
    }

    public var description: String { "p\(lastID)" }
}

/// One page of history.
public struct HistoryPage: Sendable, Equatable {
    public var promotions: [PromotionRecord]
    /// Pass as `cursor` to get the next page; nil on the last page.
    public var nextCursor: HistoryCursor?
}
