import Foundation
import Hummingbird
import NIOCore
import SlipwayCore
import SlipwayLedger

extension AuditRoutes {
    /// The export's formats.
    enum ExportFormat: String, CaseIterable {
        case csv, json
    }

    /// The CSV export's columns, in order.
    static let csvHeader = [
        "id", "run_id", "pipeline", "environment", "status", "commit", "release", "strategy", "triggered_by",
        "created_at", "started_at", "finished_at", "reason",
    ]

    /// Every promotion the filters match, newest first, as CSV (a header row, then one row each)
    /// or JSON (`{"items": [...]}`, the list's items), as an attachment. The ledger is read a
    /// page of ``HistoryQuery/maximumLimit`` at a time and each page written as it comes, so
    /// the server holds one page however large the export. The first page is read before the
    /// answer starts, so a bad filter or an unreachable database is still a 400 or 500; a
    /// failure later cuts the body short (the CSV then lacks its last line break, the JSON
    /// its closing brackets).
    func export(_ request: Request) async throws -> Response {
        let parameters = try AuditParameters(request, known: Self.promotionFilters + ["format"])
        let format = try parameters.choice("format", of: ExportFormat.self) ?? .csv
        let query = try Self.historyQuery(parameters, limit: HistoryQuery.maximumLimit, cursor: nil)
        let ledger = ledger
        let first = try await Self.asked { try await ledger.history(query) }
        let body = ResponseBody { writer in
            var query = query
            var page = first
            var written = 0
            switch format {
            case .csv: try await writer.write(ByteBuffer(string: CSVRecord.line(Self.csvHeader)))
            case .json: try await writer.write(ByteBuffer(string: #"{"items":["#))
            }
            while true {
                var chunk = ByteBuffer()
                for promotion in page.promotions {
                    switch format {
                    case .csv:
                        chunk.writeString(CSVRecord.line(Self.csvFields(promotion)))
                    case .json:
                        if written > 0 { chunk.writeString(",") }
                        chunk.writeBytes(try AuditJSON.data(promotion))
                    }
                    written += 1
                }
                try await writer.write(chunk)
                guard let next = page.nextCursor else { break }
                query.cursor = next
                page = try await ledger.history(query)
            }
            if format == .json { try await writer.write(ByteBuffer(string: "]}")) }
            try await writer.finish(nil)
        }
        let stamp = Self.compactTimestamp(Date())
        return Response(
            status: .ok,
            headers: [
                .contentType: format == .csv ? "text/csv; charset=utf-8; header=present" : "application/json; charset=utf-8",
                .contentDisposition: #"attachment; filename="promotions-\#(stamp).\#(format.rawValue)""#,
            ],
            body: body
        )
    }

    static func csvFields(_ promotion: PromotionRecord) -> [String] {
        [
            "\(promotion.id)", "\(promotion.runID)", promotion.pipeline, promotion.environment, promotion.status.rawValue,
            promotion.commitSHA, promotion.releaseID, promotion.strategy, promotion.triggeredBy,
            timestamp(promotion.createdAt), promotion.startedAt.map(timestamp) ?? "", promotion.finishedAt.map(timestamp) ?? "",
            promotion.reason ?? "",
        ]
    }

    /// ISO-8601 UTC, as the JSON answers write times.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// `20261123T213255Z`, for file names.
    static func compactTimestamp(_ date: Date) -> String {
        timestamp(date).filter { $0 != "-" && $0 != ":" }
    }
}
