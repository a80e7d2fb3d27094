import AsyncHTTPClient
import Foundation
import JWTKit
import Logging
import SlipwayCore

/// Callers vouched for by an identity provider: a JWT (compact JWS) signed with one of the
/// provider's keys (``JWKSSource``), whose `iss` is the configured issuer and whose `aud`
/// holds the configured audience, within its `exp` and `nbf` (with a small leeway). RS256,
/// RS384, RS512, PS256, PS384, PS512, ES256, ES384 and ES512 are accepted; `none` and the
/// HMAC algorithms (a shared secret, not the provider's key) are refused before anything else
/// is looked at, and the header's algorithm must be the key's. The person is the user claim
/// (`preferred_username`, falling back to `sub`), with the email and groups claims.
///
/// Never logs the token; a refusal says which check failed.
public struct OIDCAuthenticator: APICallerAuthenticator {
    public let configuration: OIDCConfiguration
    let keys: JWKSSource

    /// `now` is the clock the key cache's refetch interval and key age are measured on
    /// (injected so tests move it instead of sleeping).
    public init(
        configuration: OIDCConfiguration, client: HTTPClient = .shared, logger: Logger,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.configuration = configuration
        keys = JWKSSource(configuration: configuration, client: client, logger: logger, now: now)
    }

    static let rsaAlgorithms: Set<String> = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
    static let ecAlgorithms: Set<String> = ["ES256", "ES384", "ES512"]
    /// The largest token read.
    static let maximumLength = 16 * 1024

    public func authenticate(bearer token: String) async throws -> APICaller {
        guard token.utf8.count <= Self.maximumLength else {
            throw APICallerRefusal("the JWT is longer than \(Self.maximumLength) bytes")
        }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Base64URL.decode(parts[0]),
              case .object(let header)? = try? JSONDecoder().decode(JSONValue.self, from: headerData)
        else {
            throw APICallerRefusal("the JWT's header is not base64url-encoded JSON")
        }
        guard case .string(let algorithm)? = header["alg"] else {
            throw APICallerRefusal("the JWT's header names no algorithm (alg)")
        }
        if algorithm.lowercased() == "none" || parts[2].isEmpty {
            throw APICallerRefusal("the JWT is unsigned (alg \(algorithm)); only tokens the identity provider signed are accepted")
        }
        guard Self.rsaAlgorithms.contains(algorithm) || Self.ecAlgorithms.contains(algorithm) else {
            throw APICallerRefusal(
                "the JWT is signed with \(algorithm); accepted are \((Self.rsaAlgorithms.union(Self.ecAlgorithms)).sorted().joined(separator: ", ")) (the identity provider's public keys)"
            )
        }
        if header["crit"] != nil {
            throw APICallerRefusal("the JWT's header has critical extensions (crit) this server does not understand")
        }
        var kid: String?
        if let value = header["kid"] {
            guard case .string(let text) = value else { throw APICallerRefusal("the JWT's key id (kid) is not a string") }
            kid = text
        }
        let key = try await keys.key(id: kid)
        let name = key.keyIdentifier?.string ?? "(no kid)"
        let family = key.keyType == .rsa ? Self.rsaAlgorithms : Self.ecAlgorithms
        guard family.contains(algorithm) else {
            throw APICallerRefusal("the JWT says \(algorithm), but key \(name) of the identity provider is \(key.keyType == .rsa ? "an RSA" : "an EC") key")
        }
        if let keyAlgorithm = key.algorithm, keyAlgorithm.rawValue != algorithm {
            throw APICallerRefusal("the JWT says \(algorithm), but key \(name) of the identity provider is for \(keyAlgorithm.rawValue)")
        }

        let claims: OIDCClaims
        do {
            let collection = JWTKeyCollection()
            try await collection.add(jwk: key)
            claims = try await collection.verify(token, as: OIDCClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw APICallerRefusal("the JWT's signature does not verify with key \(name) of the identity provider; it was not signed by it")
        } catch {
            throw APICallerRefusal("the JWT cannot be verified with key \(name) of the identity provider: \(error)")
        }
        return try caller(from: claims, at: Date())
    }

    /// Checks the verified claims and names the person.
    func caller(from claims: OIDCClaims, at now: Date) throws -> APICaller {
        let configuration = configuration
        guard let issuer = claims.string("iss") else { throw APICallerRefusal("the JWT names no issuer (iss)") }
        guard issuer == configuration.issuer else {
            throw APICallerRefusal("the JWT was issued by \(issuer), not by the identity provider this server trusts (\(configuration.issuer))")
        }
        let audiences: [String]
        switch claims.value("aud") {
        case .string(let one)?: audiences = [one]
        case .array(let many)?: audiences = many.compactMap { if case .string(let text) = $0 { text } else { nil } }
        default: audiences = []
        }
        guard audiences.contains(configuration.audience) else {
            let given = audiences.isEmpty ? "no audience" : "the audience \(audiences.joined(separator: ", "))"
            throw APICallerRefusal("the JWT is for \(given), not for this server (\(configuration.audience))")
        }
        guard let expiry = claims.number("exp") else { throw APICallerRefusal("the JWT has no expiry (exp)") }
        let expiresAt = Date(timeIntervalSince1970: expiry)
        guard now.timeIntervalSince1970 < expiry + configuration.leeway else {
            throw APICallerRefusal("the JWT expired at \(Self.format(expiresAt)); sign in to the identity provider again")
        }
        if let notBefore = claims.number("nbf"), now.timeIntervalSince1970 + configuration.leeway < notBefore {
            throw APICallerRefusal("the JWT is not valid before \(Self.format(Date(timeIntervalSince1970: notBefore)))")
        }
        if let issuedAt = claims.number("iat"), now.timeIntervalSince1970 + configuration.leeway < issuedAt {
            throw APICallerRefusal("the JWT was issued in the future (\(Self.format(Date(timeIntervalSince1970: issuedAt))))")
        }
        guard let subject = claims.string("sub"), !subject.isEmpty else { throw APICallerRefusal("the JWT names no subject (sub)") }
        let user = claims.string(configuration.userClaim).flatMap { $0.isEmpty ? nil : $0 } ?? subject
        var email = claims.string(configuration.emailClaim).flatMap { $0.isEmpty ? nil : $0 }
        if case .bool(false)? = claims.value("email_verified") { email = nil }
        let groups: [String]
        switch claims.value(configuration.groupsClaim) {
        case .array(let values)?: groups = values.compactMap { if case .string(let text) = $0 { text } else { nil } }
        case .string(let text)?: groups = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        default: groups = []
        }
        return APICaller(
            user: user, groups: groups,
            identity: OutsideIdentity(issuer: issuer, subject: subject, email: email, expiresAt: expiresAt)
        )
    }

    static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
