import Hummingbird
import SlipwayLedger

/// A person (or system) calling the API with a token: who, and in which groups. Approvals
/// count `user` once and match `groups` against an environment's approver list; the audit
/// routes let in callers of the ``AccessPolicy``'s reader groups.
public struct APICaller: Sendable, Equatable {
    public var user: String
    public var groups: [String]
    /// The API token the caller presented (its record, never its secret); nil for callers
    /// vouched for another way.
    public var token: APITokenRecord?

    public init(user: String, groups: [String], token: APITokenRecord? = nil) {
        self.user = user
        self.groups = groups
        self.token = token
    }
}

/// The seam where API tokens plug in: turns a request's credentials (`Authorization: Bearer …`)
/// into a caller. ``LedgerTokenAuthenticator`` (hashed tokens in the ledger) implements it;
/// OIDC/JWT verification would be another. Routes that need a caller run behind
/// ``CallerMiddleware``, which calls it and answers 401 when it refuses.
public protocol APICallerAuthenticator: Sendable {
    /// The caller the request's credentials name. Throws ``APICallerRefusal`` when they are
    /// missing, unknown, revoked or expired. Never logs the credentials.
    func authenticate(_ request: Request) async throws -> APICaller
}

/// Why a request's credentials name nobody: answered 401 with the reason.
public struct APICallerRefusal: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
