import Foundation
import SlipwayCore

/// One row of the append-only event log.
public struct LedgerEvent: Sendable, Equatable, Codable {
    public var seq: Int64
    public var occurredAtMicros: Int64
    public var actor: String
    public var kind: String
    public var subject: String
    /// Canonical JSON text, exactly as hashed.
    public var payload: String
    public var prevHash: String
    public var hash: String

    public var occurredAt: Date { Date(timeIntervalSince1970: Double(occurredAtMicros) / 1_000_000) }
}

/// An event to append: who did what to which subject, with details.
public struct NewEvent: Sendable, Equatable {
    public var actor: String
    public var kind: String
    /// What the event is about, e.g. `run/12`, `promotion/40`, `environment/prod`.
    public var subject: String
    public var payload: JSONValue

    public init(actor: String, kind: String, subject: String, payload: JSONValue = .object([:])) {
        self.actor = actor
        self.kind = kind
        self.subject = subject
        self.payload = payload
    }
}

/// The outcome of recomputing the chain.
public struct ChainVerification: Sendable, Equatable, Codable {
    public struct Break: Sendable, Equatable, Codable {
        public var seq: Int64
        public var reason: String
    }

    /// Events checked, up to and including the first break.
    public var checked: Int64
    /// The hash of the last event when the chain is intact.
    public var headHash: String
    public var firstBreak: Break?

    public var isIntact: Bool { firstBreak == nil }
}
