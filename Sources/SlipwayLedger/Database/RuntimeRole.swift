import Foundation

/// What the role Slipway runs as may do to the ledger, granted by its owner: read everything,
/// append to every table, change only the columns the engine moves (a run's, a promotion's and
/// a step's state; a token's revocation and last use), and nothing else. It owns no table, so it
/// cannot turn an append-only trigger off, and it may not apply migrations.
public enum RuntimeRole {
    /// The columns the runtime role may UPDATE, by table: what `UPDATE` statements in this module write.
    static let updatableColumns: [(table: String, columns: [String])] = [
        ("runs", ["status", "failure", "started_at", "finished_at"]),
        ("promotions", ["status", "reason", "started_at", "finished_at"]),
        ("promotion_steps", ["status", "attempt", "retry_after", "started_at", "finished_at", "result", "log_tail"]),
        ("api_tokens", ["revoked_at", "revoked_by", "last_used_at"]),
    ]

    /// Tables the runtime role only reads.
    static let readOnlyTables = ["schema_migrations"]

    /// A role name Slipway will put in a statement (identifiers cannot be bound parameters).
    public static func validate(_ name: String) throws -> String {
        guard name.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
            throw LedgerError(.invalidArgument, "'\(name)' is not a role name Slipway accepts: lowercase letters, digits and _, starting with a letter or _")
        }
        return name
    }

    /// The statements that give `role` exactly the runtime privileges on the ledger's tables as
    /// they are now; run again after every migration (they are idempotent).
    static func grants(to role: String) -> [String] {
        var statements = [
            "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM \(role)",
            "REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM \(role)",
            "GRANT USAGE ON SCHEMA public TO \(role)",
            "GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO \(role)",
            "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO \(role)",
        ]
        for table in readOnlyTables { statements.append("REVOKE INSERT ON \(table) FROM \(role)") }
        for (table, columns) in updatableColumns {
            statements.append("GRANT UPDATE (\(columns.joined(separator: ", "))) ON \(table) TO \(role)")
        }
        return statements
    }
}
