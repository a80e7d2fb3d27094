/// Two scrapes of one service's `/metrics`, `before` and `after`, and the time between them:
/// the window an analysis sample looks at. Counters are read as their increase over the window.
public struct MetricsWindow: Sendable, Equatable {
    public var before: [PrometheusSample]
    public var after: [PrometheusSample]
    /// Seconds between the two scrapes.
    public var seconds: Double

    public init(before: [PrometheusSample], after: [PrometheusSample], seconds: Double) {
        self.before = before
        self.after = after
        self.seconds = seconds
    }

    /// The increase of every series called `name` whose labels satisfy `matching`, keyed by its
    /// labels, as Prometheus' `increase()` reads a counter: a series missing from `before` started
    /// at 0 during the window, and a series that went down was reset (the process restarted), so
    /// its whole `after` value is the increase.
    public func increases(
        of name: String, matching: ([String: String]) -> Bool
    ) -> [(labels: [String: String], increase: Double)] {
        var earlier: [[String: String]: Double] = [:]
        for sample in before where sample.name == name && matching(sample.labels) {
            earlier[sample.labels] = sample.value
        }
        return after.filter { $0.name == name && matching($0.labels) }.map { sample in
            let start = earlier[sample.labels] ?? 0
            return (sample.labels, sample.value >= start ? sample.value - start : sample.value)
        }
    }

    /// Whether the `after` scrape has any series called `name` whose labels satisfy `matching`.
    public func hasSeries(named name: String, matching: ([String: String]) -> Bool) -> Bool {
        after.contains { $0.name == name && matching($0.labels) }
    }
}
