import Foundation
import PostgresNIO

extension Ledger {
    /// Gives `role` the runtime privileges (``RuntimeRole``) on this ledger's tables, as their
    /// owner; run as the owner, after migrating. Refuses a role that is a superuser or owns a
    /// ledger table: either could turn the append-only triggers off.
    public func grantRuntimeAccess(to role: String) async throws {
        let role = try RuntimeRole.validate(role)
        try await transaction { tx in
            try await tx.query("SELECT pg_advisory_xact_lock(\(LedgerSchema.migrationLockKey))")
            var found = false
            for try await (superuser, bypass) in try await tx.query(
                "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = \(role)"
            ).decode((Bool, Bool).self) {
                found = true
                if superuser || bypass {
                    throw LedgerError(.configuration, "the runtime role '\(role)' is a superuser; Slipway's runtime role must be an ordinary role (CREATE ROLE \(role) LOGIN PASSWORD '…')")
                }
            }
            guard found else {
                throw LedgerError(.configuration, "there is no role '\(role)'; create it first (CREATE ROLE \(role) LOGIN PASSWORD '…') and run this again")
            }
            for try await table in try await tx.query(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' AND tableowner = \(role) ORDER BY 1 LIMIT 1"
            ).decode(String.self) {
                throw LedgerError(.configuration, "the runtime role '\(role)' owns the table \(table); the ledger's tables must belong to the owner that migrates (ALTER TABLE \(table) OWNER TO <owner>)")
            }
            for statement in RuntimeRole.grants(to: role) {
                try await tx.query(PostgresQuery(unsafeSQL: statement))
            }
        }
    }

    /// Whether `role` lacks a privilege ``grantRuntimeAccess(to:)`` gives (a table made by a
    /// migration since the last grant).
    public func runtimeAccessIsIncomplete(for role: String) async throws -> Bool {
        let role = try RuntimeRole.validate(role)
        return try await read("checking the runtime role's privileges") { tx in
            for try await _ in try await tx.query("""
                SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
                AND NOT has_table_privilege(\(role), c.oid, 'SELECT') LIMIT 1
                """) {
                return true
            }
            return false
        }
    }
}
