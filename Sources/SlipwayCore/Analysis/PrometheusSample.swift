/// One sample of a Prometheus text exposition: `name{labels} value [timestamp]`.
public struct PrometheusSample: Sendable, Hashable {
    /// The metric name as exposed, with a histogram's `_bucket`/`_sum`/`_count` suffix.
    public var name: String
    public var labels: [String: String]
    public var value: Double
    /// Milliseconds since the epoch, when the exposition gave one.
    public var timestamp: Int64?

    public init(name: String, labels: [String: String] = [:], value: Double, timestamp: Int64? = nil) {
        self.name = name
        self.labels = labels
        self.value = value
        self.timestamp = timestamp
    }
}
