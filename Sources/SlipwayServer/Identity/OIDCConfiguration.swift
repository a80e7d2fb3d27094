import Foundation

/// How `slipway serve` trusts an identity provider (`--oidc-issuer`, `--oidc-audience`,
/// `--oidc-jwks`, the claim names): a bearer that is a JWT is verified against the provider's
/// keys, and must name this issuer and this audience.
public struct OIDCConfiguration: Sendable, Equatable {
    /// `iss` the tokens must carry, exactly (e.g. `https://idp.example.com/realms/ops`).
    public var issuer: String
    /// An `aud` the tokens must carry (the client id Slipway is registered as).
    public var audience: String
    /// Where the provider's public keys (a JWKS) are.
    public var jwks: JWKSLocation
    /// The claim naming the person (default `preferred_username`; `sub` when it is missing).
    /// A dotted name reaches into an object (`realm_access.roles`).
    public var userClaim = "preferred_username"
    /// The claim with the person's email (default `email`).
    public var emailClaim = "email"
    /// The claim with the person's groups, a list of strings or one string (default `groups`).
    public var groupsClaim = "groups"
    /// How far `exp`, `nbf` and `iat` may be off (clocks drift). Default 60 s.
    public var leeway: TimeInterval = 60
    /// The keys are fetched again for a token naming an unknown key at most this often.
    public var refetchInterval: Duration = .seconds(60)
    /// Keys older than this are fetched again before use (a provider rotates keys).
    public var maximumKeyAge: Duration = .seconds(600)

    public init(issuer: String, audience: String, jwks: JWKSLocation) {
        self.issuer = issuer
        self.audience = audience
        self.jwks = jwks
    }

    /// The variables `slipway serve` reads when a flag is not given.
    public static let issuerVariable = "SLIPWAY_OIDC_ISSUER"
    public static let audienceVariable = "SLIPWAY_OIDC_AUDIENCE"
    public static let jwksVariable = "SLIPWAY_OIDC_JWKS"
    public static let userClaimVariable = "SLIPWAY_OIDC_USER_CLAIM"
    public static let emailClaimVariable = "SLIPWAY_OIDC_EMAIL_CLAIM"
    public static let groupsClaimVariable = "SLIPWAY_OIDC_GROUPS_CLAIM"
}

/// Where an identity provider's JWKS is: a file, or an `https://` URL (`http://` only on a loopback host, see ``plainHTTPProblem``).
public enum JWKSLocation: Sendable, Equatable, CustomStringConvertible {
    case file(String)
    case url(String)

    /// `https://…` and `http://…` are URLs; anything else is a file path.
    public init(_ text: String) {
        let lowered = text.lowercased()
        if lowered.hasPrefix("https://") || lowered.hasPrefix("http://") {
            self = .url(text)
        } else {
            self = .file(text)
        }
    }

    public var description: String {
        switch self {
        case .file(let path): "the file \(path)"
        case .url(let url): url
        }
    }
}
