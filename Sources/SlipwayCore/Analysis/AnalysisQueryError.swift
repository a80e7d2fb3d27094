/// An analysis metric names a query Slipway does not know.
public struct AnalysisQueryError: Error, Equatable, CustomStringConvertible {
    public var query: String
    /// The queries Slipway knows.
    public var known: [String]

    public init(query: String, known: [String]) {
        self.query = query
        self.known = known
    }

    public var description: String {
        "unknown analysis query \"\(query)\"; Slipway evaluates these against the release's /metrics: "
            + known.joined(separator: ", ")
    }
}
