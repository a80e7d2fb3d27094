import PostgresNIO
import SlipwayCore

extension Ledger {
    /// Promotion history, newest first, filtered and paginated by keyset on the id.
    /// Every filter value is a bound parameter.
    public func history(_ query: HistoryQuery) async throws -> HistoryPage {
        guard (1...HistoryQuery.maximumLimit).contains(query.limit) else {
            throw LedgerError(.invalidArgument, "limit must be between 1 and \(HistoryQuery.maximumLimit), found \(query.limit)")
        }
        if let commit = query.commit, commit.count < 4 || !commit.allSatisfy(\.isHexDigit) {
            throw LedgerError(.invalidArgument, "commit must be at least 4 hexadecimal characters of a SHA, found \"\(commit)\"")
        }
        var sql = "SELECT \(PromotionRecord.columns) FROM promotions p WHERE TRUE"
        var binds = PostgresBindings()
        func filter(_ clause: (String) -> String, _ value: some PostgresDynamicTypeEncodable) {
            binds.append(value)
            sql += " AND " + clause("$\(binds.count)")
        }
        if let environment = query.environment { filter({ "p.environment = \($0)" }, environment) }
        if let pipeline = query.pipeline { filter({ "p.pipeline = \($0)" }, pipeline) }
        if let status = query.status { filter({ "p.status = \($0)" }, status.rawValue) }
        if let actor = query.actor {
            filter({ "(p.triggered_by = \($0) OR EXISTS (SELECT 1 FROM approvals a WHERE a.promotion_id = p.id AND a.approver = \($0)))" }, actor)
        }
        if let commit = query.commit { filter({ "p.commit_sha LIKE \($0)" }, commit.lowercased() + "%") }
        if let since = query.since { filter({ "p.created_at >= \($0)" }, since) }
        if let until = query.until { filter({ "p.created_at < \($0)" }, until) }
        if let cursor = query.cursor { filter({ "p.id < \($0)" }, cursor.lastID) }
        // One row more than asked tells whether another page exists.
        binds.append(query.limit + 1)
        sql += " ORDER BY p.id DESC LIMIT $\(binds.count)"
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
