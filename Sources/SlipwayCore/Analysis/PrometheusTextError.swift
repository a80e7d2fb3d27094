/// A line of a Prometheus text exposition could not be read.
public struct PrometheusTextError: Error, Equatable, CustomStringConvertible {
    /// The 1-based line number.
    public var line: Int
    /// What is wrong with it.
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String {
        "metrics line \(line): \(message) (expected Prometheus text format 0.0.4: name{label=\"value\",…} value [timestamp])"
    }
}
