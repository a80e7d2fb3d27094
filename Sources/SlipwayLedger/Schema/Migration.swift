import Crypto
import Foundation
import SlipwaySystem

/// One versioned change to the ledger's schema. Each statement runs on its own
/// (PostgreSQL's extended protocol takes one statement at a time); all pending
/// migrations run in one transaction, so a failed upgrade changes nothing.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let statements: [String]

    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }

    /// SHA-256 of the statements: a migration edited after it was applied is caught.
    public var checksum: String {
        let digest = SHA256.hash(data: Data(statements.joined(separator: "\n;\n").utf8))
        return digest.hex
    }
}

/// Every migration this binary knows, oldest first. Append; never edit one that shipped.
public enum LedgerSchema {
    public static let migrations: [Migration] = [initial, scans, approvals, webhookDeliveries, auditIndexes, policies, checkpoints, factBindings, deciderIdentities, pushers]

    public static var latestVersion: Int { migrations.map(\.version).max() ?? 0 }

    /// The key of the advisory lock that serialises concurrent migrators.
    static let migrationLockKey: Int64 = 0x534C_4950_4D49_4752 // "SLIPMIGR"
}
