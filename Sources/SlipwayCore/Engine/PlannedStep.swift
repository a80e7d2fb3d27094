/// One step of a promotion as planned from the specs: its kind, a name a person reads, and the
/// configuration its runner needs (JSON, stored with the step in the ledger).
public struct PlannedStep: Sendable, Equatable, Codable {
    public var kind: StepKind
    public var name: String
    public var config: JSONValue

    public init(kind: StepKind, name: String, config: JSONValue = .object([:])) {
        self.kind = kind
        self.name = name
        self.config = config
    }
}
