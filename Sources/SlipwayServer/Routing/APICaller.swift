import Hummingbird

/// A person (or system) calling the API with a token: who, and in which groups. Approvals
/// count `user` once and match `groups` against an environment's approver list.
public struct APICaller: Sendable, Equatable {
    public var user: String
    public var groups: [String]

    public init(user: String, groups: [String]) {
        self.user = user
        self.groups = groups
    }
}

/// The seam where API tokens plug in: turns a request's credentials (`Authorization: Bearer …`)
/// into a caller. The token store (hashed tokens in the ledger) and OIDC/JWT verification are
/// implementations of it; routes that need a caller (approvals, the audit API) run behind a
/// middleware that calls it and answers 401 when it returns nil.
///
/// Nothing implements it yet: the routes `slipway serve` has today need no token.
public protocol APICallerAuthenticator: Sendable {
    /// The caller the request's credentials name, or nil when they are missing, unknown,
    /// revoked or expired. Never logs the credentials.
    func authenticate(_ request: Request) async throws -> APICaller?
}
