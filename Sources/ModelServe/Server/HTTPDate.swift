import Foundation
import NIOConcurrencyHelpers

/// The `Date` header's value (RFC 9110's IMF-fixdate, `Thu, 03 Dec 2026 09:17:03 GMT`), formatted
/// at most once a second, for answers written outside the router (which dates its own).
final class HTTPDate: Sendable {
    private let cached = NIOLockedValueBox((second: 0, text: ""))

    /// Now, as a `Date` header value.
    var now: String {
        let second = time(nil)
        return cached.withLockedValue { cached in
            if cached.second != second || cached.text.isEmpty {
                cached = (second, Self.format(second))
            }
            return cached.text
        }
    }

    static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `second` (since the epoch) in IMF-fixdate.
    static func format(_ second: time_t) -> String {
        var seconds = second
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(1900 + parts.tm_year) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
