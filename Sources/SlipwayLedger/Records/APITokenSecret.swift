import Crypto
import Foundation
import SlipwaySystem

/// The secret half of an API token: `slw_` and base64url (no padding) of 32 random bytes. It is
/// shown once, when made; the ledger keeps only its SHA-256, and a presented token is hashed and
/// compared with what is kept in constant time.
public enum APITokenSecret {
    public static let prefix = "slw_"
    /// `slw_` and 43 base64url characters.
    public static let length = prefix.count + 43

    /// A new token from the system's cryptographic random source.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + base64
    }

    /// Whether `text` has a token's shape (before any lookup: a typo is told apart from a wrong token).
    public static func isWellFormed(_ text: String) -> Bool {
        guard text.hasPrefix(prefix), text.utf8.count == length else { return false }
        return text.utf8.dropFirst(prefix.utf8.count).allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    /// Lowercase hex SHA-256 of the token's UTF-8 bytes: what the ledger stores and looks up.
    static func sha256Hex(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hex
    }

    /// Whether two hex digests are equal, looking at every byte (no early exit on a difference).
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
