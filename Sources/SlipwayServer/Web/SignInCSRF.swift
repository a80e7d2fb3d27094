import Foundation
import Hummingbird

/// The sign-in form's CSRF guard, before there is a session (double submit): the form page
/// sets a random value in an HttpOnly, SameSite=Strict cookie and puts the same value in a
/// hidden field; a sign-in counts only when both came and match (constant time). Another site
/// can make a browser post the form, but cannot read or set the cookie.
enum SignInCSRF {
    static let cookieName = "slipway_signin"

    /// The value the browser already holds (so several tabs agree), or a new one.
    static func value(for request: Request) -> String {
        if let held = request.cookies[cookieName]?.value, WebSession.isWellFormed(held) { return held }
        return WebSession.randomValue()
    }

    static func cookie(_ value: String, secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: value, maxAge: 3600, path: "/ui", secure: secure, httpOnly: true, sameSite: .strict)
    }

    static func clearedCookie(secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: "", maxAge: 0, path: "/ui", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// Whether the form's field matches the cookie the request carries.
    static func isValid(field: String?, in request: Request) -> Bool {
        guard let field, let cookie = request.cookies[cookieName]?.value, WebSession.isWellFormed(cookie) else { return false }
        return WebSession.constantTimeEqual(Array(field.utf8), Array(cookie.utf8))
    }
}
