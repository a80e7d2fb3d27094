/// The two slots of a local environment. One holds the stable release; the other takes the next
/// release (blue/green's idle colour, or the canary), so rollback is a weight change, not a rebuild.
public enum SlotColour: String, Sendable, Codable, CaseIterable {
    case blue, green

    /// The other colour.
    public var other: SlotColour { self == .blue ? .green : .blue }
}
