import Foundation

/// The API keys of one ModelServe instance, backed by a keys file.
///
/// The store loads the file once and keeps the entries (and their decoded digests) in memory, so
/// authenticating a request never touches the disk. `create` and `revoke` write the whole file
/// back atomically before changing what is in memory. Plain keys are never stored or logged.
public final class APIKeyStore: @unchecked Sendable {
    /// A newly created key: its entry, and the plaintext key, which is shown once and never again.
    public struct CreatedKey: Sendable {
        public let entry: APIKey
        public let plaintextKey: String
    }

    /// The prefix of every key ModelServe issues.
    public static let keyPrefix = "ms_"

    /// The keys file this store reads and writes.
    public let file: APIKeyFile
    private let now: @Sendable () -> Date
    private let lock = NSLock()
    // Guarded by `lock`.
    private var entries: [Entry]

    struct Entry {
        var key: APIKey
        var digest: [UInt8]
    }

    /// Loads the keys file at `path` (a missing file is an empty store).
    ///
    /// - Throws: ``APIKeyError/corruptFile(path:reason:)`` naming the file if it cannot be parsed.
    public init(path: String, now: @escaping @Sendable () -> Date = { Date() }) throws(APIKeyError) {
        self.file = APIKeyFile(path: path)
        self.now = now
        self.entries = try file.load().map { Entry(key: $0, digest: SHA256Digest.bytes(fromHex: $0.sha256)!) }
    }

    /// Every key, revoked ones included, in creation order.
    public func list() -> [APIKey] {
        lock.withLock { entries.map(\.key) }
    }

    /// Creates a key named `name` allowed `scopes`, saves its hash, and returns it with its plaintext.
    ///
    /// The plaintext is `"ms_"` followed by base64url (no padding) of 32 random bytes.
    public func create(name: String, scopes: [String]) throws(APIKeyError) -> CreatedKey {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalid("a key needs a non-empty name") }
        guard !scopes.isEmpty, scopes.allSatisfy({ !$0.isEmpty }) else {
            throw .invalid("a key needs at least one scope (a route such as \"generate\", or \"*\")")
        }
        let plaintext = Self.keyPrefix + Self.base64URL(Self.randomBytes(32))
        let digest = SHA256Digest.bytes(of: plaintext)
        lock.lock()
        defer { lock.unlock() }
        var id = Self.newID()
        while entries.contains(where: { $0.key.id == id }) { id = Self.newID() }
        let key = APIKey(id: id, name: trimmed, sha256: SHA256Digest.hex(digest), scopes: scopes, createdAt: wholeSecondsNow())
        let updated = entries + [Entry(key: key, digest: digest)]
        try file.save(updated.map(\.key))
        entries = updated
        return CreatedKey(entry: key, plaintextKey: plaintext)
    }

    /// Revokes the key with `id`; revoking an already revoked key keeps its first revocation time.
    @discardableResult
    public func revoke(id: String) throws(APIKeyError) -> APIKey {
        lock.lock()
        defer { lock.unlock() }
        guard let index = entries.firstIndex(where: { $0.key.id == id }) else {
            throw .unknownKey(id: id, path: file.path)
        }
        var updated = entries
        if updated[index].key.revokedAt == nil { updated[index].key.revokedAt = wholeSecondsNow() }
        try file.save(updated.map(\.key))
        entries = updated
        return updated[index].key
    }

    /// Reads the keys file again, taking in keys added or revoked by another process
    /// (`model-serve keys add|revoke` while a server runs). A file that no longer parses leaves
    /// the keys in memory as they were and throws.
    ///
    /// - Returns: whether the keys changed.
    @discardableResult
    public func reload() throws(APIKeyError) -> Bool {
        let loaded = try file.load()
        var fresh: [Entry] = []
        for key in loaded {
            guard let digest = SHA256Digest.bytes(fromHex: key.sha256) else {
                throw .corruptFile(path: file.path, reason: "the key \(key.id) has no valid sha256")
            }
            fresh.append(Entry(key: key, digest: digest))
        }
        return lock.withLock {
            let changed = fresh.map(\.key) != entries.map(\.key)
            entries = fresh
            return changed
        }
    }

    /// The current time truncated to whole seconds, which is what the keys file (ISO 8601) can hold,
    /// so entries in memory equal entries read back from the file.
    private func wholeSecondsNow() -> Date {
        Date(timeIntervalSince1970: now().timeIntervalSince1970.rounded(.down))
    }

    /// A snapshot of the entries for ``authenticate(bearer:route:)``.
    func snapshot() -> [Entry] {
        lock.withLock { entries }
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// base64url without padding (RFC 4648 §5).
    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A short public id: "key_" and 12 hex digits.
    static func newID() -> String {
        "key_" + SHA256Digest.hex(randomBytes(6))
    }
}
