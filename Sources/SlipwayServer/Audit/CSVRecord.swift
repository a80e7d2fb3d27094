/// One line of CSV as RFC 4180 writes it: fields separated by commas, a field holding a comma, a
/// quote, a line break or leading/trailing space in quotes (its quotes doubled), CRLF at the end.
///
/// The quoting `slipway history --output csv` uses lives in the command-line target, which this
/// library cannot import; this is the same rule, checked on Unicode scalars (so a `\r\n` inside
/// a field, one `Character` to Swift, is quoted too).
enum CSVRecord {
    static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    static func field(_ value: String) -> String {
        let needsQuotes = value.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || value.first?.isWhitespace == true || value.last?.isWhitespace == true
        guard needsQuotes else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
