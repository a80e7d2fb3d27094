import Testing
@testable import SlipwayCore

/// Durations as specs write them: largest unit first, each unit once, never a bare number.
@Suite struct SpecDurationTests {
    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)),
        ("90s", .seconds(90)),
        ("5m", .seconds(300)),
        ("1h30m", .seconds(5400)),
        ("24h", .seconds(86_400)),
        ("7d", .seconds(604_800)),
        ("1m30s", .seconds(90)),
        ("1s500ms", .milliseconds(1500)),
        ("1d2h3m4s5ms", .milliseconds(93_784_005)),
        ("0s", .zero),
        (" 5m\t", .seconds(300)),
        ("000001s", .seconds(1)),
    ])
    func parses(text: String, duration: Duration) {
        #expect(SpecDuration.parse(text) == duration)
    }

    @Test(arguments: [
        "30m1h", "5m5m", "500ms1s", "", "   ", "5", "-5m", "+5m", "m5", "5 m", "1h 30m", "5M", "5min", "5mm", "ms",
        "1.5h", "5m ago", "½h", "５m", "1000000000000s", "999999999999d",
    ])
    func rejects(text: String) {
        #expect(SpecDuration.parse(text) == nil)
    }

    @Test(arguments: [
        (Duration.milliseconds(500), "500ms"),
        (.seconds(90), "1m30s"),
        (.seconds(300), "5m"),
        (.seconds(5400), "1h30m"),
        (.seconds(604_800), "7d"),
        (.seconds(86_401), "24h1s"),
        (.seconds(86_400), "24h"),
        (.seconds(172_800), "2d"),
        (.milliseconds(1500), "1s500ms"),
        (.microseconds(2500), "2ms"),
        (.zero, "0s"),
        (.seconds(-90), "-1m30s"),
    ])
    func formats(duration: Duration, text: String) {
        #expect(SpecDuration.format(duration) == text)
    }

    @Test(arguments: ["500ms", "90s", "5m", "1h30m", "7d", "1d2h3m4s5ms", "0s"])
    func formatReadsBackAsTheSameDuration(text: String) throws {
        let duration = try #require(SpecDuration.parse(text))
        #expect(SpecDuration.parse(SpecDuration.format(duration)) == duration)
    }
}
