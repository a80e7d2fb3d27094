import Foundation

/// One entry of the keys file: who a key belongs to, what it may call, and the SHA-256 of its secret.
///
/// The plaintext key is never part of this type; it exists only in the value returned by
/// ``APIKeyStore/create(name:scopes:)`` and is shown to the operator once.
public struct APIKey: Codable, Sendable, Equatable, Identifiable {
    /// The scope that allows every route.
    public static let allRoutes = "*"

    /// A short random public identifier, safe to log and to use as a rate-limit key.
    public let id: String
    /// A human name for the key ("ci", "team-search").
    public var name: String
    /// Lowercase hex SHA-256 of the plaintext key.
    public var sha256: String
    /// Routes this key may call, e.g. `["generate", "chat", "embeddings"]`, or `["*"]`.
    public var scopes: [String]
    /// When the key was created.
    public var createdAt: Date
    /// When the key was revoked; a revoked key never authenticates.
    public var revokedAt: Date?

    public init(id: String, name: String, sha256: String, scopes: [String], createdAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.sha256 = sha256
        self.scopes = scopes
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    /// Whether the key has been revoked.
    public var isRevoked: Bool { revokedAt != nil }

    /// Whether this key's scopes allow `route` (a scope of `"*"` allows every route).
    public func allows(route: String) -> Bool {
        scopes.contains(Self.allRoutes) || scopes.contains(route)
    }
}
