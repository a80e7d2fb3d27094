import PostgresNIO
import SlipwayCore

extension Ledger {
    /// Promotion history, newest first, filtered and paginated by keyset on the id.
    /// Every filter value is a bound parameter.
    ///
    /// The actor filter matches who triggered a promotion or decided one of its approvals. As one
    /// `OR EXISTS` condition no index serves it (PostgreSQL walks every promotion for an actor
    /// with few matches), so it is two index-ordered branches — promotions the actor triggered,
    /// promotions the actor decided about — each cut to the page size, then merged: the newest
    /// `limit` of the union are among the newest `limit` of each branch.
    public func history(_ query: HistoryQuery) async throws -> HistoryPage {
        guard (1...HistoryQuery.maximumLimit).contains(query.limit) else {
            throw LedgerError(.invalidArgument, "limit must be between 1 and \(HistoryQuery.maximumLimit), found \(query.limit)")
        }
        if let commit = query.commit, commit.count < 4 || !commit.allSatisfy(\.isHexDigit) {
            throw LedgerError(.invalidArgument, "commit must be at least 4 hexadecimal characters of a SHA, found \"\(commit)\"")
        }
        var binds = PostgresBindings()
        func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        // Conditions on the promotion `p`.
        var conditions = ["TRUE"]
        if let environment = query.environment { conditions.append("p.environment = \(bind(environment))") }
        if let pipeline = query.pipeline { conditions.append("p.pipeline = \(bind(pipeline))") }
        if let status = query.status { conditions.append("p.status = \(bind(status.rawValue))") }
        if let commit = query.commit { conditions.append("p.commit_sha LIKE \(bind(commit.lowercased() + "%"))") }
        if let since = query.since { conditions.append("p.created_at >= \(bind(since))") }
        if let until = query.until { conditions.append("p.created_at < \(bind(until))") }
        let cursor = query.cursor.map { bind($0.lastID) }
        if let cursor { conditions.append("p.id < \(cursor)") }
        // One row more than asked tells whether another page exists.
        let limit = bind(query.limit + 1)
        let filters = conditions.joined(separator: " AND ")
        let sql: String
        if let actor = query.actor {
            let who = bind(actor)
            sql = """
                SELECT \(PromotionRecord.columns) FROM promotions p WHERE p.id IN (
                    (SELECT p.id FROM promotions p WHERE \(filters) AND p.triggered_by = \(who) ORDER BY p.id DESC LIMIT \(limit))
                    UNION ALL
                    (SELECT DISTINCT a.promotion_id FROM approvals a JOIN promotions p ON p.id = a.promotion_id
                     WHERE \(filters) AND a.approver = \(who)\(cursor.map { " AND a.promotion_id < \($0)" } ?? "")
                     ORDER BY a.promotion_id DESC LIMIT \(limit))
                ) ORDER BY p.id DESC LIMIT \(limit)
                """
        } else {
            sql = "SELECT \(PromotionRecord.columns) FROM promotions p WHERE \(filters) ORDER BY p.id DESC LIMIT \(limit)"
        }
        let statement = PostgresQuery(unsafeSQL: sql, binds: binds)
        let promotions = try await read("reading promotion history") { tx in
            var records: [PromotionRecord] = []
            for try await row in try await tx.query(statement) {
                records.append(try PromotionRecord(row: row))
            }
            return records
        }
        let page = Array(promotions.prefix(query.limit))
        let more = promotions.count > query.limit
        return HistoryPage(promotions: page, nextCursor: more ? page.last.map { HistoryCursor(lastID: $0.id) } : nil)
    }
}
