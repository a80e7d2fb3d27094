import PostgresNIO
import SlipwayCore

extension Ledger {
    /// Runs, newest first, filtered and paginated by keyset on the id. Every filter value is a
    /// bound parameter.
    public func runs(_ query: RunQuery) async throws -> RunPage {
        guard (1...RunQuery.maximumLimit).contains(query.limit) else {
            throw LedgerError(.invalidArgument, "limit must be between 1 and \(RunQuery.maximumLimit), found \(query.limit)")
        }
        if let commit = query.commit, commit.count < 4 || !commit.allSatisfy(\.isHexDigit) {
            throw LedgerError(.invalidArgument, "commit must be at least 4 hexadecimal characters of a SHA, found \"\(commit)\"")
        }
        var sql = "SELECT \(RunRecord.columns) FROM runs WHERE TRUE"
        var binds = PostgresBindings()
        func filter(_ clause: (String) -> String, _ value: some PostgresDynamicTypeEncodable) {
            binds.append(value)
            sql += " AND " + clause("$\(binds.count)")
        }
        if let pipeline = query.pipeline { filter({ "pipeline = \($0)" }, pipeline) }
        if let status = query.status { filter({ "status = \($0)" }, status.rawValue) }
        if let commit = query.commit { filter({ "commit_sha LIKE \($0)" }, commit.lowercased() + "%") }
        if let cursor = query.cursor { filter({ "id < \($0)" }, cursor.lastID) }
        // One row more than asked tells whether another page exists.
        binds.append(query.limit + 1)
        sql += " ORDER BY id DESC LIMIT $\(binds.count)"
        let statement = PostgresQuery(unsafeSQL: sql, binds: binds)
        let runs = try await read("reading runs") { tx in
            var records: [RunRecord] = []
            for try await row in try await tx.query(statement) {
                records.append(try RunRecord(row: row))
            }
            return records
        }
        let page = Array(runs.prefix(query.limit))
        let more = runs.count > query.limit
        return RunPage(runs: page, nextCursor: more ? page.last.map { RunCursor(lastID: $0.id) } : nil)
    }
}
