import Foundation
import SlipwayCore
import SlipwayLedger
import SlipwayTestSupport
import Testing

@Suite("Promotion history queries")
struct HistoryTests {
    /// Twelve promotions over three environments, two pipelines, several statuses,
    /// actors and days, so each filter has something to include and exclude.
    static func seed(_ ledger: Ledger, _ configuration: DatabaseConfiguration) async throws -> [PromotionRecord] {
        var promotions: [PromotionRecord] = []
        let environments = ["dev", "staging", "prod"]
        for index in 0..<12 {
            let pipeline = index % 4 == 3 ? "docs-site" : "model-serve"
            let actor = index % 3 == 0 ? "grace" : "ada"
            let promotion = try await ledger.transaction { tx in
                let run = try await tx.createRun(newRun(pipeline, commit: 0xabc000 + index, by: actor)).run
                return try await tx.createPromotion(
                    run: run, environment: environments[index % 3], releaseID: "\(pipeline)-\(index)",
                    strategy: index % 3 == 1 ? "canary" : "blueGreen", actor: actor
                )
            }
            promotions.append(promotion)
            if index % 2 == 0 {
                try await ledger.transaction { tx in
                    try await tx.movePromotion(id: promotion.id, to: .progressing, actor: "slipway")
                    try await tx.movePromotion(id: promotion.id, to: .succeeded, actor: "slipway")
                }
            }
        }
        // Spread creation over twelve days, oldest first, as the superuser can.
        try await TestDatabase.execute(
            "UPDATE promotions SET created_at = timestamptz '2026-11-01 12:00:00+00' + (id - 1) * interval '1 day'", on: configuration
        )
        // grace approved promotion 2 (a prod one triggered by ada).
        try await TestDatabase.execute(
            """
            INSERT INTO approvals (promotion_id, approver, decision, release, release_digest, created_at)
            VALUES (\(promotions[2].id), 'grace', 'approved', '{}', 'sha256:' || repeat('0', 64), now())
            """,
            on: configuration
        )
        return promotions
    }

    @Test("each filter selects exactly the matching promotions, newest first")
    func filters() async throws {
        try await withTestLedger { ledger, configuration in
            let all = try await Self.seed(ledger, configuration)
            func ids(_ query: HistoryQuery) async throws -> [Int64] {
                try await ledger.history(query).promotions.map(\.id)
            }
            let newestFirst = all.map(\.id).reversed()
            #expect(try await ids(HistoryQuery()) == Array(newestFirst))
            #expect(try await ids(HistoryQuery(environment: "prod")) == all.enumerated().filter { $0.offset % 3 == 2 }.map(\.element.id).reversed())
            #expect(try await ids(HistoryQuery(pipeline: "docs-site")) == all.enumerated().filter { $0.offset % 4 == 3 }.map(\.element.id).reversed())
            #expect(try await ids(HistoryQuery(status: .succeeded)) == all.enumerated().filter { $0.offset % 2 == 0 }.map(\.element.id).reversed())
            #expect(try await ids(HistoryQuery(status: .pending)) == all.enumerated().filter { $0.offset % 2 == 1 }.map(\.element.id).reversed())
            // grace triggered 0, 3, 6, 9 and approved 2.
            #expect(try await ids(HistoryQuery(actor: "grace")) == [9, 6, 3, 2, 0].map { all[$0].id })
            #expect(try await ids(HistoryQuery(commit: sha(0xabc005))) == [all[5].id])
            #expect(try await ids(HistoryQuery(commit: String(sha(0xabc005).prefix(6)))) == [all[5].id])
            #expect(try await ids(HistoryQuery(commit: "ABC00")).count == 12)
            let since = ISO8601DateFormatter().date(from: "2026-11-05T00:00:00Z")!
            let until = ISO8601DateFormatter().date(from: "2026-11-08T00:00:00Z")!
            // Promotion i was created on November (i + 1), 12:00 UTC.
            #expect(try await ids(HistoryQuery(since: since, until: until)) == [6, 5, 4].map { all[$0].id })
            #expect(try await ids(HistoryQuery(environment: "dev", status: .succeeded, since: since)) == [6].map { all[$0].id })
            #expect(try await ids(HistoryQuery(environment: "nowhere")).isEmpty)
        }
    }

    @Test("keyset pages cover everything once, in order, and end with no cursor")
    func pagination() async throws {
        try await withTestLedger { ledger, configuration in
            let all = try await Self.seed(ledger, configuration)
            var seen: [Int64] = []
            var cursor: HistoryCursor?
            var pages = 0
            repeat {
                let page = try await ledger.history(HistoryQuery(limit: 5, cursor: cursor))
                #expect(page.promotions.count <= 5)
                seen += page.promotions.map(\.id)
                cursor = page.nextCursor
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 3)
            #expect(seen == all.map(\.id).reversed())
            // A filtered page continues within the filter.
            let first = try await ledger.history(HistoryQuery(environment: "dev", limit: 2))
            let next = try await ledger.history(HistoryQuery(environment: "dev", limit: 2, cursor: first.nextCursor))
            #expect((first.promotions + next.promotions).map(\.environment).allSatisfy { $0 == "dev" })
            #expect((first.promotions + next.promotions).map(\.id) == [9, 6, 3, 0].map { all[$0].id })
            #expect(next.nextCursor == nil)
            #expect(HistoryCursor("p12")?.description == "p12")
            #expect(HistoryCursor("12") == nil)
            #expect(HistoryCursor("p-1") == nil)
        }
    }

    @Test("bad limits and commit prefixes are refused with a message, and filter values are bound, not spliced")
    func badArguments() async throws {
        try await withTestLedger { ledger, configuration in
            _ = try await Self.seed(ledger, configuration)
            await #expect(throws: LedgerError.self) { try await ledger.history(HistoryQuery(limit: 0)) }
            await #expect(throws: LedgerError.self) { try await ledger.history(HistoryQuery(limit: 5000)) }
            await #expect(throws: LedgerError.self) { try await ledger.history(HistoryQuery(commit: "ab")) }
            await #expect(throws: LedgerError.self) { try await ledger.history(HistoryQuery(commit: "abcd'; DROP TABLE runs; --")) }
            let injected = try await ledger.history(HistoryQuery(environment: "dev' OR '1'='1"))
            #expect(injected.promotions.isEmpty)
            #expect(try await TestDatabase.column("SELECT count(*)::text FROM runs", on: configuration) == ["12"])
        }
    }
}
