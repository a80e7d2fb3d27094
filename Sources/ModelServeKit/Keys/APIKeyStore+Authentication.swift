import Foundation

extension APIKeyStore {
    /// The outcome of checking a request's `Authorization` header against the keys file.
    public enum AuthenticationResult: Sendable, Equatable {
        /// The key is valid and allowed the route.
        case allowed(keyID: String)
        /// No `Authorization` header, not `Bearer`, or a token that is not shaped like a key (401).
        case missingOrMalformed
        /// A well-formed key that is not in the file, or has been revoked (401).
        case unknownOrRevoked
        /// A valid key that is not allowed this route (403).
        case forbidden(keyID: String)

        /// The HTTP status to answer with: 200 when allowed, 401 or 403 otherwise.
        public var httpStatus: Int {
            switch self {
            case .allowed: return 200
            case .missingOrMalformed, .unknownOrRevoked: return 401
            case .forbidden: return 403
            }
        }
    }

    /// The length of a key: "ms_" and 43 base64url characters (32 bytes, unpadded).
    static let keyLength = 3 + 43

    /// Checks `authorization` (the value of the request's `Authorization` header, `"Bearer ms_…"`)
    /// for `route` (e.g. `"generate"`).
    ///
    /// The presented key is hashed with SHA-256 and the digest is compared with **every** stored
    /// digest, each comparison looking at all 32 bytes, with no early exit on a match or a
    /// mismatch. Comparing digests (not the keys themselves) and never short-circuiting means the
    /// time taken does not reveal how many leading bytes of a guess were right, nor which entry
    /// matched; an attacker cannot recover a key byte by byte from response times.
    public func authenticate(bearer authorization: String?, route: String) -> AuthenticationResult {
        guard let token = Self.bearerToken(authorization) else { return .missingOrMalformed }
        let presented = SHA256Digest.bytes(of: token)
        let entries = snapshot()
        var matched: Int? = nil
        for (index, entry) in entries.enumerated() {
            let equal = SHA256Digest.constantTimeEqual(presented, entry.digest)
            if equal && matched == nil { matched = index }
        }
        guard let index = matched else { return .unknownOrRevoked }
        let key = entries[index].key
        if key.isRevoked { return .unknownOrRevoked }
        return key.allows(route: route) ? .allowed(keyID: key.id) : .forbidden(keyID: key.id)
    }

    /// The token of a `Bearer` header value if it is shaped like a ModelServe key, else nil.
    static func bearerToken(_ authorization: String?) -> String? {
        guard let authorization else { return nil }
        // "Bearer" in any case, one or more spaces, the token, optional trailing spaces: the two
        // space-separated parts the header must have (read without splitting into new strings).
        let bytes = authorization.utf8
        let scheme = "bearer".utf8
        guard bytes.count > scheme.count,
              zip(bytes.prefix(scheme.count), scheme).allSatisfy({ $0 | 0x20 == $1 && $0 >= UInt8(ascii: "A") }),
              bytes.dropFirst(scheme.count).first == UInt8(ascii: " ")
        else { return nil }
        let afterScheme = bytes.dropFirst(scheme.count).drop { $0 == UInt8(ascii: " ") }
        let tokenBytes = afterScheme.prefix { $0 != UInt8(ascii: " ") }
        guard afterScheme.dropFirst(tokenBytes.count).allSatisfy({ $0 == UInt8(ascii: " ") }) else { return nil }
        guard tokenBytes.count == keyLength else { return nil }
        let token = String(Substring(tokenBytes))
        guard token.hasPrefix(keyPrefix) else { return nil }
        let allowed = token.utf8.dropFirst(keyPrefix.utf8.count).allSatisfy { c in
            (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
        }
        return allowed ? token : nil
    }
}
