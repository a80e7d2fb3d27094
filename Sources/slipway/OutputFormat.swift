import ArgumentParser
import Foundation

/// How a listing prints: aligned for a terminal, or stable for scripts and spreadsheets.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// How a report (not a listing) prints: for a person, or as JSON for scripts.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// JSON with sorted keys and ISO 8601 dates: stable for scripts to parse and diff.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    let data = try encoder.encode(value)
    print(String(decoding: data, as: UTF8.self))
}

/// A plain table: a header row and columns padded to their widest cell.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: [String]) {
        self.headers = headers
    }

    mutating func add(_ row: [String]) {
        rows.append(row)
    }

    func render() -> String {
        let all = [headers] + rows
        let widths = headers.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }.joined(separator: "\n")
    }

    /// RFC 4180 CSV: fields with commas, quotes or line breaks are quoted, quotes doubled.
    func renderCSV() -> String {
        ([headers] + rows).map { row in
            row.map { cell in
                // By scalar: "\r\n" is one Character, which a Character test would not match.
                cell.unicodeScalars.contains(where: { ",\"\n\r".unicodeScalars.contains($0) })
                    ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
            }.joined(separator: ",")
        }.joined(separator: "\n")
    }
}
