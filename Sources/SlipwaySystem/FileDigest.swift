import Crypto
import Foundation

/// The SHA-256 digest and size of a file, in the form the ledger stores artifacts with and
/// targets check a release's files against.
public struct FileDigest: Sendable, Equatable, Codable {
    /// `sha256:` followed by 64 lowercase hex digits.
    public var digest: String
    /// The number of bytes hashed.
    public var sizeBytes: Int64

    public init(digest: String, sizeBytes: Int64) {
        self.digest = digest
        self.sizeBytes = sizeBytes
    }

    /// Whether `text` is a digest the ledger accepts: `sha256:` and 64 lowercase hex digits.
    public static func isValid(_ text: String) -> Bool {
        let prefix = "sha256:"
        guard text.hasPrefix(prefix) else { return false }
        let hex = text.utf8.dropFirst(prefix.utf8.count)
        return hex.count == 64 && hex.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// `sha256:` and the SHA-256 of `bytes`, in lowercase hex: the ledger's form of a digest.
    public static func sha256(of bytes: some DataProtocol) -> String {
        "sha256:" + SHA256.hash(data: bytes).hex
    }

    /// Hashes the file at `path` a megabyte at a time, so a file of gigabytes never sits in memory.
    ///
    /// - Throws: ``FileDigestError`` when the file cannot be opened or read.
    public static func sha256(path: String) throws -> FileDigest {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            throw FileDigestError(description: "cannot open \(path) to compute its SHA-256 (does it exist, and may Slipway read it?): \(error)")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 1 << 20)
            } catch {
                throw FileDigestError(description: "cannot read \(path) to compute its SHA-256: \(error)")
            }
            guard let chunk, !chunk.isEmpty else { break }
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        return FileDigest(digest: "sha256:" + hasher.finalize().hex, sizeBytes: size)
    }
}

/// A file that could not be hashed, and why.
public struct FileDigestError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
