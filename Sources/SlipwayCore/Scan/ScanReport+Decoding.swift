import Foundation

/// How the report readers turn JSON into their models, and a decoding failure into a
/// `ScanReportError` that names the field and the format expected.
extension ScanReport {
    /// The top of a JSON document, looked at before the whole report is decoded.
    enum TopLevel: Decodable {
        /// An object, with its keys.
        case object(Set<String>)
        case array
        case scalar

        init(from decoder: any Decoder) throws {
            if let object = try? decoder.container(keyedBy: AnyKey.self) {
                self = .object(Set(object.allKeys.map(\.stringValue)))
            } else if (try? decoder.unkeyedContainer()) != nil {
                self = .array
            } else {
                self = .scalar
            }
        }
    }

    /// Any key of a JSON object.
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The top of `data`; fails with `.notJSON` when `data` is empty or not JSON.
    static func topLevel(of data: Data, scanner: VulnerabilityScan.Scanner) throws(ScanReportError) -> TopLevel {
        try decode(TopLevel.self, from: data, scanner: scanner)
    }

    /// Fails unless the top-level object has `keys`, saying which format it looks like instead.
    static func requireKeys(
        _ required: [String], in keys: Set<String>, scanner: VulnerabilityScan.Scanner
    ) throws(ScanReportError) {
        guard let missing = required.first(where: { !keys.contains($0) }) else { return }
        if let other = formatNamed(byKeys: keys), other != scanner.rawValue {
            let advice = VulnerabilityScan.Scanner(rawValue: other).map { "set `scanner: \($0.rawValue)` in the scan entry, or " } ?? ""
            throw ScanReportError(
                .wrongShape, scanner: scanner,
                "this is a \(other) report, not a \(scanner.rawValue) one; \(advice)give it \(expectation(for: scanner))"
            )
        }
        throw ScanReportError(
            .wrongShape, scanner: scanner,
            "missing field \"\(missing)\"; this does not look like \(expectation(for: scanner))"
        )
    }

    /// `data` decoded as `type`; a failure says where in the report and what was expected there.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, scanner: VulnerabilityScan.Scanner) throws(ScanReportError) -> T {
        if data.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
            throw ScanReportError(
                .notJSON, scanner: scanner,
                "the report is empty; expected \(expectation(for: scanner)). Check that the scanner ran and wrote its output to this file"
            )
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw reportError(error, data: data, scanner: scanner)
        } catch {
            throw ScanReportError(.wrongShape, scanner: scanner, "could not be read as \(expectation(for: scanner))", cause: "\(error)")
        }
    }

    private static func reportError(_ error: DecodingError, data: Data, scanner: VulnerabilityScan.Scanner) -> ScanReportError {
        let doesNotLook = "this does not look like \(expectation(for: scanner))"
        switch error {
        case .keyNotFound(let key, let context):
            return ScanReportError(
                .wrongShape, scanner: scanner, "missing field \"\(key.stringValue)\"; \(doesNotLook)",
                path: path(context.codingPath)
            )
        case .valueNotFound(let type, let context):
            return ScanReportError(
                .wrongShape, scanner: scanner, "is null, expected \(describe(type)); \(doesNotLook)",
                path: path(context.codingPath)
            )
        case .typeMismatch(let type, let context):
            return ScanReportError(
                .wrongShape, scanner: scanner, "expected \(describe(type)); \(doesNotLook)",
                path: path(context.codingPath), cause: context.debugDescription
            )
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return ScanReportError(
                .notJSON, scanner: scanner, "the report is not JSON\(opening(of: data)); expected \(expectation(for: scanner))",
                cause: context.underlyingError.map { "\($0)" } ?? context.debugDescription
            )
        case .dataCorrupted(let context):
            return ScanReportError(
                .wrongShape, scanner: scanner, "\(context.debugDescription); \(doesNotLook)", path: path(context.codingPath)
            )
        @unknown default:
            return ScanReportError(.wrongShape, scanner: scanner, doesNotLook, cause: "\(error)")
        }
    }

    /// ` (it begins "Report Summary ┌──…")`, so a person sees they kept a table or a log instead of JSON.
    private static func opening(of data: Data) -> String {
        let text = String(decoding: data.prefix(200), as: UTF8.self)
        guard let line = ScanText.firstLine(text, limit: 40), !line.hasPrefix("{"), !line.hasPrefix("[") else { return "" }
        return " (it begins \"\(line)\": was the scanner's table or log output kept instead of its JSON?)"
    }

    /// `Results[0].Vulnerabilities[2]`, or nil for the top of the report.
    static func path(_ codingPath: [any CodingKey]) -> String? {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? nil : text
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "\(type)".hasPrefix("Array<") ? "a list" : "an object"
        }
    }
}

/// Small text helpers the report readers share.
enum ScanText {
    /// Nil for nil, an empty or an all-whitespace string; else the text trimmed.
    static func nonBlank(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }

    /// The first non-blank line of `text`, trimmed, at most `limit` characters: a title made from a description.
    static func firstLine(_ text: String?, limit: Int = 160) -> String? {
        guard let text else { return nil }
        let line = text.split(whereSeparator: \.isNewline).lazy.compactMap { nonBlank(String($0)) }.first
        guard let line else { return nil }
        return line.count <= limit ? line : String(line.prefix(limit - 1)) + "…"
    }
}
