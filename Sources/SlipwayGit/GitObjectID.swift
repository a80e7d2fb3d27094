import CGit2

/// The name of a git object (a commit, most often): its SHA-1 as 40 lowercase
/// hex digits.
///
/// Slipway keys runs on (pipeline, commit), stores commits in the ledger and
/// prints them in logs, so the id is a plain value type carried as text and
/// converted to libgit2's `git_oid` only at the C boundary.
public struct GitObjectID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Number of hex digits in a full SHA-1 id.
    public static let hexLength = 40
    /// Number of hex digits in `short`.
    public static let shortLength = 12

    /// The full id, 40 lowercase hex digits.
    public let sha: String

    /// Validates `sha` as a full 40-digit hex id (either case). Returns nil for
    /// anything else, including abbreviated ids: use
    /// `GitRepository.resolve(_:)` to expand those.
    public init?(sha: String) {
        let hex = sha.lowercased()
        guard hex.utf8.count == Self.hexLength,
              hex.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
        else { return nil }
        self.sha = hex
    }

    /// The first 12 hex digits, for display. Long enough to be unique in any
    /// repository Slipway is likely to meet, short enough for a log line.
    public var short: String { String(sha.prefix(Self.shortLength)) }

    public var description: String { sha }

    // MARK: Codable — encoded as the bare hex string.

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let id = GitObjectID(sha: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not a 40-digit hex git object id")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(sha)
    }
}

// MARK: - The C boundary

extension GitObjectID {
    /// Copies libgit2's binary id into a hex `GitObjectID`.
    init(_ oid: git_oid) {
        var oid = oid
        var buffer = [CChar](repeating: 0, count: Self.hexLength + 1)
        buffer.withUnsafeMutableBufferPointer { out in
            _ = git_oid_fmt(out.baseAddress, &oid)
        }
        // git_oid_fmt writes exactly 40 hex digits; the final 0 terminates them.
        self.sha = String(decoding: buffer.prefix(Self.hexLength).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Copies a libgit2 id the C API handed out by pointer.
    init(_ pointer: UnsafePointer<git_oid>) {
        self.init(pointer.pointee)
    }

    /// The binary id libgit2 works with. `sha` is validated on construction,
    /// so parsing cannot fail.
    var oid: git_oid {
        var oid = git_oid()
        let result = git_oid_fromstr(&oid, sha)
        precondition(result == 0, "GitObjectID holds an invalid sha '\(sha)'")
        return oid
    }
}
