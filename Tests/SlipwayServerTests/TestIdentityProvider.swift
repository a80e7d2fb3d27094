import Crypto
import CryptoExtras
import Foundation
import Hummingbird
import JWTKit
import Logging
import SlipwayCore
import SlipwayTestSupport

/// An identity provider made in the test: real keys (an RSA key for RS256 and a P-256 key for
/// ES256, generated here), their JWKS written to a file (or served over HTTP by ``serveJWKS``),
/// and JWTs signed with them for whatever claims a test wants.
struct TestIdentityProvider: Sendable {
    static let issuer = "https://idp.test.example/realms/ops"
    static let audience = "slipway"

    let rsa: JWTKit.Insecure.RSA.PrivateKey
    let ec: ES256PrivateKey
    let rsaKid: String
    let ecKid: String

    init(name: String = "idp") throws {
        rsa = try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        ec = ES256PrivateKey()
        rsaKid = "\(name)-rsa-1"
        ecKid = "\(name)-ec-1"
    }

    /// The public keys as a JWKS document.
    func jwks() throws -> String {
        let primitives = try rsa.publicKey.getKeyPrimitives()
        let point = try require_(ec.publicKey.parameters, "the EC key has no parameters")
        let keys: [[String: String]] = [
            ["kty": "RSA", "kid": rsaKid, "use": "sig", "alg": "RS256", "n": Self.base64URL(primitives.modulus), "e": Self.base64URL(primitives.publicExponent)],
            ["kty": "EC", "kid": ecKid, "use": "sig", "alg": "ES256", "crv": "P-256", "x": point.x, "y": point.y],
        ]
        let data = try JSONSerialization.data(withJSONObject: ["keys": keys], options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes the JWKS to `path`.
    func writeJWKS(to path: String) throws {
        try jwks().write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// The claims of a person's token: issuer, audience, subject, a name, an email and groups,
    /// valid from a minute ago for an hour; `changes` override or add claims (`.null` removes one).
    static func claims(
        user: String, email: String? = nil, groups: [String], subject: String? = nil, _ changes: [String: JSONValue] = [:]
    ) -> [String: JSONValue] {
        let now = Date().timeIntervalSince1970.rounded(.down)
        var claims: [String: JSONValue] = [
            "iss": .string(issuer), "aud": .string(audience), "sub": .string(subject ?? "sub-\(user)-0001"),
            "preferred_username": .string(user), "groups": .array(groups.map { .string($0) }),
            "iat": .number(now - 60), "nbf": .number(now - 60), "exp": .number(now + 3600),
        ]
        if let email { claims["email"] = .string(email) }
        for (name, value) in changes {
            if value == .null { claims[name] = nil } else { claims[name] = value }
        }
        return claims
    }

    enum Algorithm { case rs256, es256 }

    /// A JWT of `claims`, signed RS256 (or ES256) with this provider's key.
    func token(_ claims: [String: JSONValue], algorithm: Algorithm = .rs256) async throws -> String {
        let keys = JWTKeyCollection()
        switch algorithm {
        case .rs256:
            await keys.add(rsa: rsa, digestAlgorithm: .sha256, kid: JWKIdentifier(string: rsaKid))
            return try await keys.sign(TestClaims(claims: claims), kid: JWKIdentifier(string: rsaKid))
        case .es256:
            await keys.add(ecdsa: ec, kid: JWKIdentifier(string: ecKid))
            return try await keys.sign(TestClaims(claims: claims), kid: JWKIdentifier(string: ecKid))
        }
    }

    /// A token for `user`, signed RS256.
    func token(user: String, email: String? = nil, groups: [String], _ changes: [String: JSONValue] = [:]) async throws -> String {
        try await token(Self.claims(user: user, email: email, groups: groups, changes))
    }

    /// An unsigned token (`alg: none`, empty signature) of `claims`.
    static func unsigned(_ claims: [String: JSONValue], kid: String) throws -> String {
        let header = try JSONEncoder().encode(["alg": "none", "typ": "JWT", "kid": kid])
        let payload = try JSONEncoder().encode(claims)
        return base64URL(header) + "." + base64URL(payload) + "."
    }

    /// A token whose header says HS256, keyed with `secret` (the key-confusion attack: the
    /// provider's public key used as an HMAC secret).
    static func hmacSigned(_ claims: [String: JSONValue], kid: String, secret: Data) throws -> String {
        let header = try JSONEncoder().encode(["alg": "HS256", "typ": "JWT", "kid": kid])
        let payload = try JSONEncoder().encode(claims)
        let input = base64URL(header) + "." + base64URL(payload)
        let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: SymmetricKey(data: secret))
        return input + "." + base64URL(Data(mac))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Serves `jwks()` (what it returns at the time of each request) at `/jwks` on a port the
    /// kernel chose, runs `body` with the URL and a count of the requests, and stops.
    static func serveJWKS<T>(_ jwks: @escaping @Sendable () -> String, _ body: (String, JWKSRequests) async throws -> T) async throws -> T {
        let requests = JWKSRequests()
        let router = Router()
        router.get("/jwks") { _, _ -> Response in
            requests.add()
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: jwks()))
            )
        }
        return try await LoopbackHTTPServer.with(router, name: "test-jwks") { port in
            try await body("http://127.0.0.1:\(port)/jwks", requests)
        }
    }

    struct ProviderError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

/// How many times the test's JWKS server was asked.
final class JWKSRequests: Sendable {
    private let lock = NSLock()
    nonisolated(unsafe) private var value = 0
    func add() { lock.withLock { value += 1 } }
    var count: Int { lock.withLock { value } }
}

/// A JWT payload of any claims, for signing in tests.
struct TestClaims: JWTPayload {
    var claims: [String: JSONValue]
    init(claims: [String: JSONValue]) { self.claims = claims }
    init(from decoder: any Decoder) throws { claims = try decoder.singleValueContainer().decode([String: JSONValue].self) }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(claims)
    }
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// `value`, or an error saying `message`.
func require_<T>(_ value: T?, _ message: String) throws -> T {
    guard let value else { throw TestIdentityProvider.ProviderError(message) }
    return value
}
