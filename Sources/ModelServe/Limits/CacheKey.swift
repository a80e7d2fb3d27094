import Crypto
import Foundation

/// The key of a cached response: SHA-256 of the caller's partition (its API key's public id, unless
/// the cache is shared), the model name and the request input encoded canonically (JSON with
/// sorted keys), so the same caller, model and input always give the same key.
public struct CacheKey: Hashable, Sendable, CustomStringConvertible {
    /// Lowercase hex SHA-256.
    public let digest: String

    /// A key for `input` sent to `model`, or nil when the request is not deterministic
    /// (temperature absent or not exactly 0 — Ollama's default temperature is not 0).
    public static func forRequest(model: String, input: some Encodable, temperature: Double?, partition: String? = nil) -> CacheKey? {
        guard temperature == 0 else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let canonical = try? encoder.encode(input) else { return nil }
        var hasher = SHA256()
        if let partition {
            // A key id holds no NUL, so "key\0model" cannot collide with a shared key's "model".
            hasher.update(data: Data("key:".utf8))
            hasher.update(data: Data(partition.utf8))
            hasher.update(data: Data([0]))
        }
        hasher.update(data: Data(model.utf8))
        hasher.update(data: Data([0]))
        hasher.update(data: canonical)
        return CacheKey(digest: SHA256Digest.hex(Array(hasher.finalize())))
    }

    public init(digest: String) {
        self.digest = digest
    }

    public var description: String { digest }
}
