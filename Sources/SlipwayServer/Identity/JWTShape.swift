/// Whether a bearer looks like a JWT (compact JWS: three base64url parts joined by dots), and
/// so is for the identity provider's verifier rather than the ledger's API tokens (`slw_…`).
enum JWTShape {
    static func looksLikeJWT(_ bearer: String) -> Bool {
        let parts = bearer.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else { return false }
        return parts.allSatisfy { $0.allSatisfy(Base64URL.isAlphabet) }
    }
}
