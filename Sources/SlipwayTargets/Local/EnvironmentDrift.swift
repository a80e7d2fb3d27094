/// A difference between what a local environment runs and what Slipway last asked of it.
public enum EnvironmentDrift: Sendable, Equatable, CustomStringConvertible {
    /// HAProxy is not running.
    case proxyDown
    /// A slot that should run (it is recorded) has no live process.
    case slotDown(SlotColour, release: String)
    /// HAProxy's weight for a slot is not the one Slipway set.
    case weight(SlotColour, expected: Int, actual: Int)

    public var description: String {
        switch self {
        case .proxyDown:
            return "HAProxy is not running"
        case .slotDown(let colour, let release):
            return "the \(colour.rawValue) slot (\(release)) has no live process"
        case .weight(let colour, let expected, let actual):
            return "HAProxy gives the \(colour.rawValue) slot weight \(actual); Slipway set \(expected)"
        }
    }
}

/// What an inspection of an environment found, and what healing it did.
public struct DriftReport: Sendable, Equatable {
    public var found: [EnvironmentDrift]
    /// What was done about it (empty when not healing, or nothing was found).
    public var repaired: [String]
    /// What could not be repaired, and why.
    public var failures: [String]

    public init(found: [EnvironmentDrift] = [], repaired: [String] = [], failures: [String] = []) {
        self.found = found
        self.repaired = repaired
        self.failures = failures
    }

    public var isClean: Bool { found.isEmpty }
}
