import Foundation
import Hummingbird
import SlipwayCore
import SlipwayLedger

/// A request's query parameters as the audit routes read them: each one known to the route,
/// and each value checked, so a typo (`enviroment=prod`) or a bad value answers 400 with what to
/// send instead of quietly widening an auditor's question.
struct AuditParameters {
    private let values: [String: String]

    /// The parameters of `request`; 400 when one is not in `known` or is given twice.
    init(_ request: Request, known: [String]) throws {
        var values: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            let name = String(key)
            guard known.contains(name) else {
                throw Self.problem("unknown query parameter '\(name)'; this route takes \(known.joined(separator: ", "))")
            }
            guard values.updateValue(String(value), forKey: name) == nil else {
                throw Self.problem("query parameter '\(name)' is given twice; give it once")
            }
        }
        self.values = values
    }

    /// A text value; nil when absent. 400 when empty or longer than 200 characters.
    func text(_ name: String) throws -> String? {
        guard let value = values[name] else { return nil }
        guard !value.isEmpty else { throw Self.problem("\(name) is empty; leave it out to match every \(name)") }
        guard value.count <= 200 else { throw Self.problem("\(name) is longer than 200 characters") }
        return value
    }

    /// A page size between 1 and `maximum`, `fallback` when absent.
    func limit(fallback: Int, maximum: Int) throws -> Int {
        guard let value = values["limit"] else { return fallback }
        guard let limit = Int(value), (1...maximum).contains(limit) else {
            throw Self.problem("limit must be a whole number from 1 to \(maximum), found '\(value)'")
        }
        return limit
    }

    /// A value of `type`'s cases, nil when absent.
    func choice<T: RawRepresentable & CaseIterable>(_ name: String, of type: T.Type) throws -> T? where T.RawValue == String {
        guard let value = values[name] else { return nil }
        guard let choice = T(rawValue: value) else {
            throw Self.problem("unknown \(name) '\(value)'; expected one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return choice
    }

    /// A commit SHA or a prefix of one (4 to 40 hexadecimal characters), lowercased.
    func commit() throws -> String? {
        guard let value = values["commit"] else { return nil }
        guard (4...40).contains(value.count), value.allSatisfy(\.isHexDigit) else {
            throw Self.problem("commit must be a SHA or a prefix of one: 4 to 40 hexadecimal characters, found '\(value)'")
        }
        return value.lowercased()
    }

    /// An ISO-8601 time (`2026-11-23T14:00:00Z`, with fractional seconds or an offset such as
    /// `+01:00`) or a date (`2026-11-23`, midnight UTC); nil when absent.
    func time(_ name: String) throws -> Date? {
        guard let value = values[name] else { return nil }
        guard let date = Self.parseTime(value) else {
            throw Self.problem(
                "\(name) '\(value)' is not an ISO-8601 time; write 2026-11-23T14:00:00Z, 2026-11-23T15:00:00+01:00 or 2026-11-23"
            )
        }
        return date
    }

    /// A cursor a previous page gave, read by `parse`; nil when absent.
    func cursor<Cursor>(_ parse: (String) -> Cursor?) throws -> Cursor? {
        guard let value = values["cursor"] else { return nil }
        guard let cursor = parse(value) else {
            throw Self.problem("cursor '\(value)' is not one this list gave; pass the nextCursor of the previous page unchanged, with the same filters")
        }
        return cursor
    }

    static func parseTime(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        for formatter in [plain, withFraction] {
            if let date = formatter.date(from: text) { return date }
        }
        if text.count == 10, let date = day.date(from: text) { return date }
        return nil
    }

    static func problem(_ message: String) -> APIProblem {
        APIProblem(status: .badRequest, code: "bad_parameter", message: message)
    }
}
