import Foundation

/// Durations as people write them in flags and environment variables: `250ms`, `2s`, `5m`, `1h`,
/// or a plain number of seconds (`1.5`).
public enum DurationText {
    /// The duration `text` names, or nil when it is not one (negative durations are not).
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = trimmed.dropLast(unit.suffix.count)
            // "5ms" also ends in "s"; the longer suffix comes first, so "5m" + "s" never happens.
            guard let value = Double(number) else { return nil }
            return nanoseconds(value * unit.seconds)
        }
        return Double(trimmed).flatMap(nanoseconds)
    }

    /// `seconds` as a duration, or nil when it is negative, not finite, or too large for `Duration`'s
    /// nanosecond count (converting such a value to `Int64` would trap).
    private static func nanoseconds(_ seconds: Double) -> Duration? {
        let nanoseconds = (seconds * 1e9).rounded()
        guard nanoseconds >= 0, nanoseconds < Double(Int64.max) else { return nil }
        return .nanoseconds(Int64(nanoseconds))
    }
}
