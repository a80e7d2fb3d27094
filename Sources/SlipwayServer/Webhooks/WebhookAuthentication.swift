import Crypto
import Foundation

/// Checks that a delivery comes from the configured sender, on the raw body, before anything
/// in it is read. Comparisons take the same time whatever the bytes, so an attacker learns
/// nothing from how long a refusal takes.
enum WebhookAuthentication {
    /// Why a delivery was refused.
    enum Refusal: Equatable, Sendable {
        case missing(header: String)
        case malformed(header: String)
        case mismatch(header: String)

        var message: String {
            switch self {
            case .missing(let header): return "\(header) is missing; the delivery is not signed"
            case .malformed(let header): return "\(header) is not of the form the sender uses"
            case .mismatch(let header): return "\(header) does not match this server's secret"
            }
        }
    }

    static let githubHeader = "X-Hub-Signature-256"
    static let gitlabHeader = "X-Gitlab-Token"

    /// GitHub: `X-Hub-Signature-256: sha256=<hex>` is the HMAC-SHA256 of the raw body keyed with the secret.
    static func verifyGitHub(signature: String?, body: some DataProtocol, secret: String) -> Refusal? {
        guard let signature, !signature.isEmpty else { return .missing(header: githubHeader) }
        let prefix = "sha256="
        guard signature.hasPrefix(prefix), let mac = bytes(hex: signature.dropFirst(prefix.count)),
              mac.count == SHA256.byteCount
        else { return .malformed(header: githubHeader) }
        let key = SymmetricKey(data: Data(secret.utf8))
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: key) else {
            return .mismatch(header: githubHeader)
        }
        return nil
    }

    /// GitLab: `X-Gitlab-Token` is the secret token itself. Both sides are hashed first, so the
    /// comparison neither stops at the first differing byte nor reveals the token's length.
    static func verifyGitLab(token: String?, secret: String) -> Refusal? {
        guard let token, !token.isEmpty else { return .missing(header: gitlabHeader) }
        let given = SHA256.hash(data: Data(token.utf8))
        let expected = SHA256.hash(data: Data(secret.utf8))
        guard constantTimeEqual(Array(given), Array(expected)) else { return .mismatch(header: gitlabHeader) }
        return nil
    }

    /// Whether two byte strings of the same length are equal, looking at every byte.
    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }

    /// `hex` as bytes; nil unless it is an even number of hex digits.
    static func bytes(hex: Substring) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = value(of: digits[index]), let low = value(of: digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
