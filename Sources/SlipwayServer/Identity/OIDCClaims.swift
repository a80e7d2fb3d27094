import JWTKit
import SlipwayCore

/// A JWT's payload as it came, every claim kept (the claim names Slipway reads are
/// configurable), for ``OIDCAuthenticator`` to check once jwt-kit has verified the signature.
struct OIDCClaims: JWTPayload {
    var claims: [String: JSONValue]

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        claims = try container.decode([String: JSONValue].self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(claims)
    }

    /// The claims are checked by ``OIDCAuthenticator`` (issuer, audience, times), with messages
    /// that say which failed.
    func verify(using algorithm: some JWTAlgorithm) async throws {}

    /// The claim `name`; a dotted name reaches into objects (`realm_access.roles`). A claim
    /// whose own name has a dot is found first.
    func value(_ name: String) -> JSONValue? {
        if let direct = claims[name] { return direct }
        var current: JSONValue = .object(claims)
        for part in name.split(separator: ".") {
            guard case .object(let object) = current, let next = object[String(part)] else { return nil }
            current = next
        }
        return current
    }

    func string(_ name: String) -> String? {
        if case .string(let text)? = value(name) { return text }
        return nil
    }

    func number(_ name: String) -> Double? {
        if case .number(let number)? = value(name) { return number }
        return nil
    }
}
