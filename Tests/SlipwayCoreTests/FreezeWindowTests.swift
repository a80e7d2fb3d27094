import Foundation
import Testing
@testable import SlipwayCore

/// Freeze windows read in their own time zone: weekly ones wrap around the end
/// of the week, one-off ones span dates; both start inclusive and end exclusive.
@Suite struct FreezeWindowTests {
    static let weekend = FreezeWindow(
        from: .weekly(weekday: 5, hour: 17, minute: 0), to: .weekly(weekday: 1, hour: 8, minute: 0),
        timeZone: "Europe/Berlin"
    )

    static let holidays = FreezeWindow(
        from: .once(year: 2026, month: 12, day: 23, hour: 18, minute: 0),
        to: .once(year: 2027, month: 1, day: 4, hour: 8, minute: 0),
        timeZone: "Europe/Berlin"
    )

    /// An instant written in UTC, e.g. `2026-03-30T05:59:00Z`.
    static func instant(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text), "not an ISO 8601 instant: \(text)")
    }

    /// Berlin is UTC+1 in winter (CET) and UTC+2 in summer (CEST); summer time
    /// began on Sun 2026-03-29 and ended on Sun 2026-10-25.
    @Test(arguments: [
        ("2026-03-20T15:59:00Z", false, "Fri 16:59 CET, a minute before the freeze"),
        ("2026-03-20T16:00:00Z", true, "Fri 17:00 CET, the freeze starts"),
        ("2026-03-21T11:00:00Z", true, "Sat 12:00 CET"),
        ("2026-03-22T22:59:00Z", true, "Sun 23:59 CET"),
        ("2026-03-22T23:00:00Z", true, "Mon 00:00 CET, across the end of the week"),
        ("2026-03-23T06:59:00Z", true, "Mon 07:59 CET"),
        ("2026-03-23T07:00:00Z", false, "Mon 08:00 CET, the freeze has ended"),
        ("2026-03-25T11:00:00Z", false, "Wed 12:00 CET"),
        ("2026-03-26T22:59:00Z", false, "Thu 23:59 CET"),
        ("2026-03-27T16:00:00Z", true, "Fri 17:00 CET, the weekend summer time begins"),
        ("2026-03-29T01:30:00Z", true, "Sun 03:30 CEST, just after the clocks went forward"),
        ("2026-03-30T05:59:00Z", true, "Mon 07:59 CEST"),
        ("2026-03-30T06:00:00Z", false, "Mon 08:00 CEST, an hour earlier in UTC than a week before"),
        ("2026-03-30T06:30:00Z", false, "Mon 08:30 CEST, while 06:30Z a week before was inside"),
        ("2026-03-23T06:30:00Z", true, "Mon 07:30 CET"),
        ("2026-04-03T14:59:00Z", false, "Fri 16:59 CEST"),
        ("2026-04-03T15:00:00Z", true, "Fri 17:00 CEST"),
        ("2026-10-23T15:00:00Z", true, "Fri 17:00 CEST, the weekend summer time ends"),
        ("2026-10-25T01:30:00Z", true, "Sun 02:30 CET, the repeated hour"),
        ("2026-10-26T06:59:00Z", true, "Mon 07:59 CET"),
        ("2026-10-26T07:00:00Z", false, "Mon 08:00 CET"),
    ])
    func weeklyWindowWrapsAroundTheWeekInBerlinTime(utc: String, frozen: Bool, berlin: String) throws {
        #expect(Self.weekend.contains(try Self.instant(utc)) == frozen, "\(berlin)")
    }

    @Test(arguments: [
        ("2026-12-23T16:59:59Z", false, "Wed 17:59:59 CET"),
        ("2026-12-23T17:00:00Z", true, "Wed 18:00 CET, the freeze starts"),
        ("2026-12-31T23:00:00Z", true, "New Year"),
        ("2027-01-04T06:59:00Z", true, "Mon 07:59 CET"),
        ("2027-01-04T07:00:00Z", false, "Mon 08:00 CET, the freeze has ended"),
        ("2027-12-24T12:00:00Z", false, "a year later: a one-off window does not repeat"),
        ("2025-12-24T12:00:00Z", false, "a year earlier"),
    ])
    func oneOffWindowSpansItsDates(utc: String, frozen: Bool, berlin: String) throws {
        #expect(Self.holidays.contains(try Self.instant(utc)) == frozen, "\(berlin)")
    }

    @Test func windowWithinOneWeekDoesNotWrap() throws {
        let window = FreezeWindow(
            from: .weekly(weekday: 2, hour: 9, minute: 0), to: .weekly(weekday: 2, hour: 17, minute: 0), timeZone: "UTC"
        )
        #expect(window.contains(try Self.instant("2026-03-24T09:00:00Z")))
        #expect(window.contains(try Self.instant("2026-03-24T16:59:00Z")))
        #expect(!window.contains(try Self.instant("2026-03-24T17:00:00Z")))
        #expect(!window.contains(try Self.instant("2026-03-24T08:59:00Z")))
        #expect(!window.contains(try Self.instant("2026-03-25T12:00:00Z")))
    }

    @Test func sameWindowInAnotherTimeZoneIsAnotherInstant() throws {
        var utc = Self.weekend
        utc.timeZone = "UTC"
        let fridayFourPMInUTC = try Self.instant("2026-03-20T16:30:00Z")
        #expect(Self.weekend.contains(fridayFourPMInUTC))
        #expect(!utc.contains(fridayFourPMInUTC))
    }

    @Test func windowsThatCannotBeEvaluatedFreezeNothing() throws {
        let date = try Self.instant("2026-03-21T12:00:00Z")
        var unknownZone = Self.weekend
        unknownZone.timeZone = "Mars/Olympus_Mons"
        #expect(!unknownZone.contains(date))
        let mixed = FreezeWindow(from: .weekly(weekday: 6, hour: 0, minute: 0), to: Self.holidays.to, timeZone: "UTC")
        #expect(!mixed.contains(date))
    }

    @Test func summaryReadsAsWritten() {
        #expect(Self.weekend.summary == "Fri 17:00 → Mon 08:00 Europe/Berlin")
        #expect(Self.holidays.summary == "2026-12-23 18:00 → 2027-01-04 08:00 Europe/Berlin")
    }

    @Test func decodedWeekendWindowFreezesTheProdEnvironment() throws {
        let prod = try #require(try loadSpecs(ExampleSpecs.all).environment(named: "prod"))
        let window = try #require(prod.freeze.first)
        #expect(window.contains(try Self.instant("2026-03-30T05:59:00Z")))
        #expect(!window.contains(try Self.instant("2026-03-30T06:00:00Z")))
    }
}
