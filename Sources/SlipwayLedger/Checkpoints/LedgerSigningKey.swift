import Crypto
import Foundation
import SlipwaySystem

/// The Ed25519 key that signs checkpoints of the event chain's head. It is kept outside the
/// database, in a file only its owner can read (mode 0600), so that someone who can write to the
/// database (with its password, or as its owner) cannot sign a chain they rewrote.
///
/// The file holds one line after a header: the 32-byte private key in base64. A public key
/// file (for a verifier who must not hold the private key) has the same shape with its own header.
public struct LedgerSigningKey: Sendable {
    static let privateHeader = "slipway-ledger-signing-key-v1"
    static let publicHeader = "slipway-ledger-public-key-v1"

    let privateKey: Curve25519.Signing.PrivateKey

    public var publicKey: LedgerPublicKey { LedgerPublicKey(key: privateKey.publicKey) }

    init(privateKey: Curve25519.Signing.PrivateKey) {
        self.privateKey = privateKey
    }

    /// A new random key (not written anywhere).
    public static func generate() -> LedgerSigningKey {
        LedgerSigningKey(privateKey: Curve25519.Signing.PrivateKey())
    }

    /// Reads the key at `path`, or, when there is no file there, makes one (mode 0600, its folder
    /// created when missing).
    public static func loadOrCreate(at path: String) throws -> LedgerSigningKey {
        if FileManager.default.fileExists(atPath: path) { return try load(from: path) }
        let key = generate()
        try key.write(to: path)
        return key
    }

    /// Reads the key at `path`; a missing, unreadable or malformed file is an error naming it.
    public static func load(from path: String) throws -> LedgerSigningKey {
        let text = try LedgerSigningKey.contents(of: path, what: "the ledger signing key")
        guard let raw = LedgerSigningKey.body(of: text, header: privateHeader),
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw LedgerError(.configuration, "\(path) is not a Slipway ledger signing key (it should start with '\(privateHeader)')")
        }
        return LedgerSigningKey(privateKey: key)
    }

    /// Writes the key to `path` with mode 0600; refuses to replace a file that is there.
    public func write(to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let text = "\(Self.privateHeader)\n\(privateKey.rawRepresentation.base64EncodedString())\n"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw LedgerError(.configuration, "cannot create the ledger signing key \(path)", cause: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        guard Foundation.write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
            throw LedgerError(.configuration, "cannot write the ledger signing key \(path)", cause: String(cString: strerror(errno)))
        }
    }

    func sign(_ message: Data) throws -> Data {
        try privateKey.signature(for: message)
    }

    static func contents(of path: String, what: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw LedgerError(.configuration, "\(what) \(path) does not exist")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LedgerError(.configuration, "\(what) \(path) cannot be read (check its owner and mode)")
        }
        return text
    }

    static func body(of text: String, header: String) -> Data? {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard lines.count == 2, lines[0] == header else { return nil }
        return Data(base64Encoded: lines[1])
    }
}

/// The public half of a ``LedgerSigningKey``: what verifies checkpoints. Its `id` (the first 16
/// hex digits of the SHA-256 of the raw key) is stored with each checkpoint.
public struct LedgerPublicKey: Sendable, Equatable {
    let key: Curve25519.Signing.PublicKey
    public let id: String

    init(key: Curve25519.Signing.PublicKey) {
        self.key = key
        self.id = String(SHA256.hash(data: key.rawRepresentation).hex.prefix(16))
    }

    public static func == (left: LedgerPublicKey, right: LedgerPublicKey) -> Bool {
        left.key.rawRepresentation == right.key.rawRepresentation
    }

    /// The public key file's text.
    public var fileText: String {
        "\(LedgerSigningKey.publicHeader)\n\(key.rawRepresentation.base64EncodedString())\n"
    }

    /// Reads a public key file, or takes the public half of a private key file.
    public static func load(from path: String) throws -> LedgerPublicKey {
        let text = try LedgerSigningKey.contents(of: path, what: "the ledger public key")
        if let raw = LedgerSigningKey.body(of: text, header: LedgerSigningKey.publicHeader),
           let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) {
            return LedgerPublicKey(key: key)
        }
        if text.hasPrefix(LedgerSigningKey.privateHeader) { return try LedgerSigningKey.load(from: path).publicKey }
        throw LedgerError(
            .configuration,
            "\(path) is not a Slipway ledger public key (it should start with '\(LedgerSigningKey.publicHeader)'; `slipway audit public-key` prints one)"
        )
    }

    func isValidSignature(_ signature: Data, for message: Data) -> Bool {
        key.isValidSignature(signature, for: message)
    }
}
