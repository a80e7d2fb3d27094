/// Durations as they are written in specs: `90s`, `5m`, `1h30m`, `24h`, `7d`, `500ms`.
/// Units may be combined from largest to smallest; a bare number is not accepted,
/// because `5` could mean seconds or minutes and a release tool should not guess.
public enum SpecDuration {
    /// What the spec reader says it expected when a duration does not parse.
    public static let expectation = "a duration such as 500ms, 90s, 5m, 1h30m or 7d"

    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("ms", 1),
        ("s", 1_000),
        ("m", 60_000),
        ("h", 3_600_000),
        ("d", 86_400_000),
    ]

    /// Parses `text`, or returns nil when it is not a duration.
    public static func parse(_ text: String) -> Duration? {
        let scalars = Array(text.trimmingWhitespace().unicodeScalars)
        guard !scalars.isEmpty else { return nil }
        var index = 0
        var total: Int64 = 0
        var lastUnitRank = Int.max
        while index < scalars.count {
            var digits = ""
            while index < scalars.count, ("0"..."9").contains(scalars[index]) {
                digits.unicodeScalars.append(scalars[index])
                index += 1
            }
            guard !digits.isEmpty, digits.count <= 12, let value = Int64(digits) else { return nil }
            var unit = ""
            while index < scalars.count, ("a"..."z").contains(scalars[index]) {
                unit.unicodeScalars.append(scalars[index])
                index += 1
            }
            guard let rank = units.firstIndex(where: { $0.suffix == unit }) else { return nil }
            // Largest unit first, each at most once: "1h30m", not "30m1h" or "5m5m".
            guard rank < lastUnitRank else { return nil }
            lastUnitRank = rank
            let (product, overflow) = value.multipliedReportingOverflow(by: units[rank].milliseconds)
            guard !overflow else { return nil }
            let (sum, sumOverflow) = total.addingReportingOverflow(product)
            guard !sumOverflow else { return nil }
            total = sum
        }
        return .milliseconds(total)
    }

    /// Formats a duration the way specs write it: `1h30m`, `45s`, `250ms`, `24h`, `7d`
    /// (a negative one, such as time past a deadline, with a leading `-`). Days are
    /// used only for whole numbers of days from two on: people say "24h", not "1d".
    public static func format(_ duration: Duration) -> String {
        if duration < .zero { return "-" + format(.zero - duration) }
        var remaining = duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
        if remaining == 0 { return "0s" }
        let day = units.last!.milliseconds
        let useDays = remaining % day == 0 && remaining >= 2 * day
        var text = ""
        for unit in units.reversed() where remaining >= unit.milliseconds && (useDays || unit.suffix != "d") {
            let count = remaining / unit.milliseconds
            remaining -= count * unit.milliseconds
            text += "\(count)\(unit.suffix)"
        }
        return text
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
