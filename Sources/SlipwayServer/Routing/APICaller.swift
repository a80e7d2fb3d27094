import Foundation
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
    /// Set for a person an identity provider vouched for (a verified JWT): who they are there.
    public var identity: OutsideIdentity?

    public init(user: String, groups: [String], token: APITokenRecord? = nil, identity: OutsideIdentity? = nil) {
        self.user = user
        self.groups = groups
        self.token = token
        self.identity = identity
    }

    /// Who decides at a gate when this caller does, as the ledger records it.
    public var decider: GateDecider {
        GateDecider(
            user: user, groups: groups, email: identity?.email, tokenID: token?.id, issuer: identity?.issuer, subject: identity?.subject
        )
    }

    /// When the credential the caller presented stops being valid (a JWT's `exp`, an API
    /// token's expiry); nil when it does not expire.
    public var credentialExpiresAt: Date? {
        identity?.expiresAt ?? token?.expiresAt
    }
}

/// The seam where API tokens plug in: turns the bearer token of a request (`Authorization:
/// Bearer …`, or what a web session was signed in with) into a caller. ``LedgerTokenAuthenticator``
/// (hashed tokens in the ledger) and ``OIDCAuthenticator`` (JWTs an identity provider signed)
/// implement it, and ``BearerAuthenticator`` sends each bearer to the one it is for. Routes
/// that need a caller run behind ``CallerMiddleware``, which calls it and answers 401 when it
/// refuses.
public protocol APICallerAuthenticator: Sendable {
    /// The caller `token` names. Throws ``APICallerRefusal`` when it is unknown, revoked or
    /// expired. Never logs the token.
    func authenticate(bearer token: String) async throws -> APICaller
}

extension APICallerAuthenticator {
    /// The caller the request's `Authorization: Bearer …` header names; refused when the header
    /// is missing or not a bearer token.
    public func authenticate(_ request: Request) async throws -> APICaller {
        guard let header = request.headers[.authorization] else {
            throw APICallerRefusal("this route needs an API token: send `Authorization: Bearer slw_…` (from `slipway token create`)")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APICallerRefusal("the Authorization header must be `Bearer ` and an API token")
        }
        return try await authenticate(bearer: String(parts[1]))
    }
}

/// Why a request's credentials name nobody: answered 401 with the reason.
public struct APICallerRefusal: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
