import Foundation

/// A person as an identity provider vouched for them in a verified JWT: the provider (`iss`),
/// their id there (`sub`), the email its claims gave, and when the token expires.
public struct OutsideIdentity: Sendable, Equatable {
    public var issuer: String
    public var subject: String
    public var email: String?
    public var expiresAt: Date

    public init(issuer: String, subject: String, email: String?, expiresAt: Date) {
        self.issuer = issuer
        self.subject = subject
        self.email = email
        self.expiresAt = expiresAt
    }
}
