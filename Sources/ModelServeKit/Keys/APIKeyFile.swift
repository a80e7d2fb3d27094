import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and writes the keys file: a JSON array of ``APIKey`` entries.
///
/// Writes are atomic (a temporary file in the same directory, `fsync`, then `rename`) and the
/// file is created with mode 0600, so a crash never leaves a half-written file and other users
/// cannot read the hashes.
public struct APIKeyFile: Sendable {
    /// Where the keys file lives.
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The entries in the file; a missing file is an empty list.
    public func load() throws(APIKeyError) -> [APIKey] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .io(path: path, operation: "read", errno: errno == 0 ? EIO : errno)
        }
        let keys: [APIKey]
        do {
            keys = try Self.decoder.decode([APIKey].self, from: data)
        } catch {
            throw .corruptFile(path: path, reason: Self.reason(for: error))
        }
        for key in keys where SHA256Digest.bytes(fromHex: key.sha256) == nil {
            throw .corruptFile(path: path, reason: "key \(key.id) has a malformed sha256 (want 64 hex digits)")
        }
        return keys
    }

    /// Replaces the file's contents with `keys`, atomically and with mode 0600.
    public func save(_ keys: [APIKey]) throws(APIKeyError) {
        let data: Data
        do {
            data = try Self.encoder.encode(keys)
        } catch {
            throw .invalid("cannot encode keys: \(error)")
        }
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: .min ... .max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw .io(path: path, operation: "create \(temporary)", errno: errno) }
        var failure: APIKeyError?
        if fchmod(fd, 0o600) != 0 { failure = .io(path: path, operation: "chmod", errno: errno) }
        if failure == nil {
            failure = data.withUnsafeBytes { buffer -> APIKeyError? in
                var offset = 0
                while offset < buffer.count {
                    let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return .io(path: path, operation: "write", errno: errno)
                    }
                    offset += written
                }
                return nil
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = .io(path: path, operation: "fsync", errno: errno) }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 { failure = .io(path: path, operation: "rename", errno: errno) }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    private static func reason(for error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            return "not valid JSON (\(context.debugDescription))"
        case DecodingError.keyNotFound(let key, let context):
            return "missing field \"\(key.stringValue)\" at \(pathString(context.codingPath))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(context.debugDescription) at \(pathString(context.codingPath))"
        default:
            return "\(error)"
        }
    }

    private static func pathString(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "top level" : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
