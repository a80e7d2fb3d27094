import ArgumentParser
import Foundation
import SlipwayCore

/// A point in time on the command line: `2026-11-23`, `2026-11-23T14:00:00Z`,
/// or a duration meaning that long ago (`24h`, `7d`).
struct TimeArgument: ExpressibleByArgument {
    var date: Date

    init?(argument: String) {
        if let duration = SpecDuration.parse(argument) {
            let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            date = Date().addingTimeInterval(-seconds)
            return
        }
        let full = ISO8601DateFormatter()
        if let parsed = full.date(from: argument) {
            date = parsed
            return
        }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        guard let parsed = day.date(from: argument) else { return nil }
        date = parsed
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
