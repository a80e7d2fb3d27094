import Crypto
import Foundation
import Hummingbird

/// How a browser stays signed in to the web pages: the API token the person pasted once, in
/// an HttpOnly, SameSite=Strict cookie scoped to `/ui` (Secure under TLS), checked on every
/// request like a bearer token, so revoking the token signs the browser out. Each form carries
/// a CSRF value derived from the token (HMAC-SHA256), checked in constant time.
enum WebSession {
    static let cookieName = "slipway_session"
    /// How long a browser keeps the cookie: a working day.
    static let lifetime = 8 * 3600

    /// The token the browser sent, if any.
    static func token(in request: Request) -> String? {
        guard let value = request.cookies[cookieName]?.value, !value.isEmpty else { return nil }
        return value
    }

    static func cookie(token: String, secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: token, maxAge: lifetime, path: "/ui", secure: secure, httpOnly: true, sameSite: .strict)
    }

    static func clearedCookie(secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: "", maxAge: 0, path: "/ui", secure: secure, httpOnly: true, sameSite: .strict)
    }

    private static let formPurpose = Data("slipway web form".utf8)

    /// The value every form of a page signed in with `token` carries.
    static func csrf(for token: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: formPurpose, using: SymmetricKey(data: Data(token.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `given` is the form value for `token` (compared in constant time).
    static func isValidCSRF(_ given: String?, for token: String) -> Bool {
        guard let given, given.count == 64 else { return false }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var index = given.startIndex
        while index < given.endIndex {
            let next = given.index(index, offsetBy: 2)
            guard let byte = UInt8(given[index..<next], radix: 16) else { return false }
            bytes.append(byte)
            index = next
        }
        return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: formPurpose, using: SymmetricKey(data: Data(token.utf8)))
    }
}
