import Foundation

/// A period in which an environment takes no promotions, e.g. every weekend
/// (`from: "Fri 17:00", to: "Mon 08:00"`) or once (`from: "2026-12-23 18:00", to: "2027-01-04 08:00"`),
/// read in the window's time zone.
public struct FreezeWindow: Sendable, Equatable {
    public enum Moment: Sendable, Equatable, CustomStringConvertible {
        /// Every week; weekday 1 is Monday … 7 Sunday.
        case weekly(weekday: Int, hour: Int, minute: Int)
        case once(year: Int, month: Int, day: Int, hour: Int, minute: Int)

        static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        static let fullWeekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

        public static let expectation = "a time such as \"Fri 17:00\" (every week) or \"2026-12-24 18:00\" (once)"

        public init?(_ text: String) {
            let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard parts.count == 2, let (hour, minute) = Moment.parseTime(parts[1]) else { return nil }
            let day = parts[0].lowercased()
            if let index = Moment.weekdays.firstIndex(of: day) ?? Moment.fullWeekdays.firstIndex(of: day) {
                self = .weekly(weekday: index + 1, hour: hour, minute: minute)
                return
            }
            let date = parts[0].split(separator: "-").map(String.init)
            guard date.count == 3, date[0].count == 4, date[1].count == 2, date[2].count == 2,
                  let year = Int(date[0]), let month = Int(date[1]), let dayOfMonth = Int(date[2]),
                  (1...12).contains(month), (1...31).contains(dayOfMonth)
            else { return nil }
            self = .once(year: year, month: month, day: dayOfMonth, hour: hour, minute: minute)
        }

        private static func parseTime(_ text: String) -> (Int, Int)? {
            let pieces = text.split(separator: ":").map(String.init)
            guard pieces.count == 2, pieces[1].count == 2, let hour = Int(pieces[0]), let minute = Int(pieces[1]),
                  (0...23).contains(hour), (0...59).contains(minute)
            else { return nil }
            return (hour, minute)
        }

        public var description: String {
            func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
            switch self {
            case .weekly(let weekday, let hour, let minute):
                return "\(Moment.weekdays[weekday - 1].capitalized) \(two(hour)):\(two(minute))"
            case .once(let year, let month, let day, let hour, let minute):
                return "\(year)-\(two(month))-\(two(day)) \(two(hour)):\(two(minute))"
            }
        }

        var isWeekly: Bool {
            if case .weekly = self { return true }
            return false
        }
    }

    public var from: Moment
    public var to: Moment
    public var timeZone: String
    public var reason: String?

    public init(from: Moment, to: Moment, timeZone: String, reason: String? = nil) {
        self.from = from
        self.to = to
        self.timeZone = timeZone
        self.reason = reason
    }

    /// Whether `date` falls inside the window (start inclusive, end exclusive).
    public func contains(_ date: Date) -> Bool {
        guard let zone = TimeZone(identifier: timeZone) else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        switch (from, to) {
        case (.weekly(let fromDay, let fromHour, let fromMinute), .weekly(let toDay, let toHour, let toMinute)):
            let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
            // Calendar's weekday is 1 = Sunday; ours is 1 = Monday.
            let weekday = ((parts.weekday! + 5) % 7) + 1
            let now = minuteOfWeek(weekday, parts.hour!, parts.minute!)
            let start = minuteOfWeek(fromDay, fromHour, fromMinute)
            let end = minuteOfWeek(toDay, toHour, toMinute)
            return start <= end ? (start <= now && now < end) : (now >= start || now < end)
        case (.once, .once):
            guard let start = instant(from, calendar), let end = instant(to, calendar) else { return false }
            return start <= date && date < end
        default:
            return false
        }
    }

    /// When the window ends, seen from `date` inside it: the next `to` after `date` (for a weekly
    /// window, in its time zone, summer time included). Nil when `date` is outside the window.
    public func end(after date: Date) -> Date? {
        guard contains(date), let zone = TimeZone(identifier: timeZone) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        switch to {
        case .weekly(let weekday, let hour, let minute):
            // Ours is 1 = Monday; Calendar's weekday is 1 = Sunday.
            let components = DateComponents(hour: hour, minute: minute, second: 0, weekday: weekday % 7 + 1)
            return calendar.nextDate(after: date, matching: components, matchingPolicy: .nextTime)
        case .once:
            return instant(to, calendar)
        }
    }

    private func minuteOfWeek(_ weekday: Int, _ hour: Int, _ minute: Int) -> Int {
        (weekday - 1) * 24 * 60 + hour * 60 + minute
    }

    private func instant(_ moment: Moment, _ calendar: Calendar) -> Date? {
        guard case .once(let year, let month, let day, let hour, let minute) = moment else { return nil }
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))
    }

    public var summary: String {
        "\(from) → \(to) \(timeZone)"
    }
}
