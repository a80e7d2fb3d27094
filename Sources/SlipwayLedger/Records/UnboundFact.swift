/// A row Slipway would act on that no event in the chain records: inserted by SQL, not by
/// Slipway. Slipway ignores it (a gate, a scan rule, the policy in effect, signing in);
/// `slipway audit verify` lists it.
public struct UnboundFact: Sendable, Equatable, Codable, CustomStringConvertible {
    /// `approvals`, `scans`, `artifacts`, `gates`, `api_tokens` or `environment_policies`.
    public var table: String
    public var id: Int64
    /// What the row says, in a few words (`approval 7 of promotion 3 by mallory (approved)`).
    public var summary: String

    public var description: String {
        "\(summary): \(table) row \(id) has no matching event in the chain (written outside Slipway); Slipway ignores it"
    }
}
