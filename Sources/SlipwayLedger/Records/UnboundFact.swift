/// A row a gate would act on that no event in the chain records: inserted by SQL, not by
/// Slipway. Gates ignore it; `slipway audit verify` lists it.
public struct UnboundFact: Sendable, Equatable, Codable, CustomStringConvertible {
    /// `approvals`, `scans`, `artifacts` or `gates`.
    public var table: String
    public var id: Int64
    /// What the row says, in a few words (`approval 7 of promotion 3 by mallory (approved)`).
    public var summary: String

    public var description: String {
        "\(summary): \(table) row \(id) has no matching event in the chain (written outside Slipway); gates ignore it"
    }
}
