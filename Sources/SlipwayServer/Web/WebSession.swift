import Crypto
import Foundation
import Hummingbird

/// How a browser stays signed in to the web pages: a random session id (32 bytes, base64url)
/// in an HttpOnly, SameSite=Strict cookie scoped to `/ui` (Secure under TLS) — never the token
/// the person signed in with, which the server checks once and then forgets
/// (``WebSessionStore`` keeps the session's caller, under the SHA-256 of its id). Each form of
/// a signed-in page carries a CSRF value derived from the session id (HMAC-SHA256), checked in
/// constant time; the sign-in form is guarded by ``SignInCSRF``.
enum WebSession {
    static let cookieName = "slipway_session"
    /// The longest a session lasts: a working day (less when the credential expires sooner).
    static let lifetime: TimeInterval = 8 * 3600

    /// The session id the browser sent, if any.
    static func id(in request: Request) -> String? {
        guard let value = request.cookies[cookieName]?.value, !value.isEmpty else { return nil }
        return value
    }

    static func cookie(id: String, maxAge: Int, secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: id, maxAge: max(1, maxAge), path: "/ui", secure: secure, httpOnly: true, sameSite: .strict)
    }

    static func clearedCookie(secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: "", maxAge: 0, path: "/ui", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// 32 random bytes, base64url: a session id or a sign-in CSRF value.
    static func randomValue() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// Whether `text` is shaped like ``randomValue()`` (43 base64url characters).
    static func isWellFormed(_ text: String) -> Bool {
        text.count == 43 && text.allSatisfy(Base64URL.isAlphabet)
    }

    private static let formPurpose = Data("slipway web form".utf8)

    /// The value every form of a page of session `id` carries.
    static func csrf(forSession id: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: formPurpose, using: SymmetricKey(data: Data(id.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `given` is the form value for session `id` (compared in constant time).
    static func isValidCSRF(_ given: String?, forSession id: String) -> Bool {
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
        return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: formPurpose, using: SymmetricKey(data: Data(id.utf8)))
    }

    /// Whether two byte strings are equal, in time that depends only on their length.
    static func constantTimeEqual(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
