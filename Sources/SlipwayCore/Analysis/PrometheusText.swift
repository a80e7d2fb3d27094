/// A reader of the Prometheus text exposition format, version 0.0.4 — what `/metrics` serves.
///
/// Reads `# HELP` and `# TYPE` lines (and ignores other comments), sample lines with optional
/// labels (values may escape `\\`, `\"` and `\n`), the special values `+Inf`, `-Inf` and `NaN`,
/// and optional millisecond timestamps. Anything else is an error naming the line.
public enum PrometheusText {
    /// The metric types a `# TYPE` line may name.
    public static let metricTypes: Set<String> = ["counter", "gauge", "histogram", "summary", "untyped"]

    /// Every sample in `text`, in order.
    public static func parse(_ text: String) throws(PrometheusTextError) -> [PrometheusSample] {
        var samples: [PrometheusSample] = []
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var line = Substring(rawLine)
            if line.last == "\r" { line = line.dropLast() }
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty { continue }
            if trimmed.first == "#" {
                try readComment(trimmed, line: number)
                continue
            }
            var reader = LineReader(bytes: Array(trimmed.utf8), line: number)
            samples.append(try reader.sample())
        }
        return samples
    }

    /// Checks a `# HELP name text` or `# TYPE name type` line; other comments are free text.
    private static func readComment(_ text: Substring, line: Int) throws(PrometheusTextError) {
        let words = text.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
        guard words.count >= 2, words[0] == "#", words[1] == "HELP" || words[1] == "TYPE" else { return }
        guard words.count >= 3, isMetricName(Array(words[2].utf8)) else {
            throw PrometheusTextError(line: line, message: "`# \(words[1])` needs a valid metric name")
        }
        if words[1] == "TYPE" {
            let type = words.count == 4 ? String(words[3]).trimmingSpaces : ""
            guard metricTypes.contains(type) else {
                throw PrometheusTextError(
                    line: line,
                    message: "unknown metric type \"\(type)\" for \(words[2]); expected one of "
                        + metricTypes.sorted().joined(separator: ", ")
                )
            }
        }
    }

    static func isMetricName(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first, isNameStart(first, colon: true) else { return false }
        return bytes.dropFirst().allSatisfy { isNameContinuation($0, colon: true) }
    }

    static func isNameStart(_ byte: UInt8, colon: Bool) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x5F || (colon && byte == 0x3A)
    }

    static func isNameContinuation(_ byte: UInt8, colon: Bool) -> Bool {
        isNameStart(byte, colon: colon) || (byte >= 0x30 && byte <= 0x39)
    }

    /// Reads one sample line, byte by byte.
    private struct LineReader {
        let bytes: [UInt8]
        let line: Int
        var index = 0

        init(bytes: [UInt8], line: Int) {
            self.bytes = bytes
            self.line = line
        }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        func failure(_ message: String) -> PrometheusTextError {
            PrometheusTextError(line: line, message: message)
        }

        mutating func skipBlanks() {
            while let byte = current, byte == 0x20 || byte == 0x09 { index += 1 }
        }

        mutating func name(colon: Bool, what: String) throws(PrometheusTextError) -> String {
            let start = index
            guard let first = current, PrometheusText.isNameStart(first, colon: colon) else {
                throw failure("expected a \(what) at column \(index + 1)")
            }
            index += 1
            while let byte = current, PrometheusText.isNameContinuation(byte, colon: colon) { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func sample() throws(PrometheusTextError) -> PrometheusSample {
            let metric = try name(colon: true, what: "metric name")
            skipBlanks()
            var labels: [String: String] = [:]
            if current == UInt8(ascii: "{") {
                index += 1
                labels = try labelSet(metric: metric)
                skipBlanks()
            }
            let valueText = word()
            guard !valueText.isEmpty else { throw failure("\(metric) has no value") }
            guard let value = PrometheusText.number(valueText) else {
                throw failure("\(metric) has the value \"\(valueText)\", which is not a number")
            }
            skipBlanks()
            var timestamp: Int64?
            let timestampText = word()
            if !timestampText.isEmpty {
                guard let milliseconds = Int64(timestampText) else {
                    throw failure("\(metric) has the timestamp \"\(timestampText)\", which is not an integer")
                }
                timestamp = milliseconds
            }
            skipBlanks()
            if index < bytes.count {
                throw failure("unexpected text after the sample of \(metric): \"\(String(decoding: bytes[index...], as: UTF8.self))\"")
            }
            return PrometheusSample(name: metric, labels: labels, value: value, timestamp: timestamp)
        }

        /// The text up to the next blank or the end of the line.
        mutating func word() -> String {
            let start = index
            while let byte = current, byte != 0x20, byte != 0x09 { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        /// `label="value", …}` after the opening brace; a trailing comma is allowed.
        mutating func labelSet(metric: String) throws(PrometheusTextError) -> [String: String] {
            var labels: [String: String] = [:]
            while true {
                skipBlanks()
                if current == UInt8(ascii: "}") {
                    index += 1
                    return labels
                }
                let label = try name(colon: false, what: "label name or `}` in the labels of \(metric)")
                skipBlanks()
                guard current == UInt8(ascii: "=") else { throw failure("expected `=` after the label \(label) of \(metric)") }
                index += 1
                skipBlanks()
                guard current == UInt8(ascii: "\"") else {
                    throw failure("the value of the label \(label) of \(metric) must be in double quotes")
                }
                index += 1
                let value = try quoted(label: label, metric: metric)
                if labels[label] != nil { throw failure("the label \(label) appears twice in \(metric)") }
                labels[label] = value
                skipBlanks()
                if current == UInt8(ascii: ",") {
                    index += 1
                } else if current != UInt8(ascii: "}") {
                    throw failure("expected `,` or `}` after the label \(label) of \(metric)")
                }
            }
        }

        /// A label value after its opening quote, up to and including the closing one.
        mutating func quoted(label: String, metric: String) throws(PrometheusTextError) -> String {
            var value: [UInt8] = []
            while let byte = current {
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(decoding: value, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard let escaped = current else { break }
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "n"): value.append(0x0A)
                    case UInt8(ascii: "\\"), UInt8(ascii: "\""): value.append(escaped)
                    default:
                        throw failure(
                            "the label \(label) of \(metric) has the unknown escape \\\(Character(Unicode.Scalar(escaped))); only \\\\, \\\" and \\n are allowed"
                        )
                    }
                default:
                    value.append(byte)
                }
            }
            throw failure("the value of the label \(label) of \(metric) has no closing quote")
        }
    }

    /// A sample value: a Go-style float, `+Inf`, `-Inf` or `NaN`.
    static func number(_ text: String) -> Double? {
        switch text {
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default:
            let lowered = text.lowercased()
            // Swift also reads "inf", "infinity" and "nan" in any case, and hex floats; the format does not.
            if lowered.contains("inf") || lowered.contains("nan") || lowered.contains("x") { return nil }
            return Double(text)
        }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
