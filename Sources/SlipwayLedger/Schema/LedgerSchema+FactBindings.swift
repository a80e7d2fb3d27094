extension LedgerSchema {
    /// Version 8: the facts a gate acts on are bound to the events that recorded them. An
    /// approval row gains the seq and hash of its `approval.*` event (the event is appended
    /// first, so the row can name it); rows from before are bound to the event that names them,
    /// where there is one. Approvals, checks, scans, artifacts and gate requirements become
    /// append-only like `events` (none is ever changed), so whoever is not the tables' owner
    /// cannot rewrite a fact after its event was hashed.
    static let factBindings = Migration(version: 8, name: "facts bound to events", statements: [
        "ALTER TABLE approvals ADD COLUMN event_seq bigint",
        "ALTER TABLE approvals ADD COLUMN event_hash text CHECK (event_hash ~ '^[0-9a-f]{64}$')",
        """
        UPDATE approvals a SET event_seq = e.seq, event_hash = e.hash
        FROM events e
        WHERE e.subject = 'promotion/' || a.promotion_id AND e.kind LIKE 'approval.%'
          AND (e.payload::jsonb ->> 'approval') = a.id::text
        """,
        "CREATE UNIQUE INDEX approvals_event ON approvals (event_seq) WHERE event_seq IS NOT NULL",
        """
        CREATE TRIGGER approvals_append_only BEFORE UPDATE OR DELETE ON approvals
            FOR EACH ROW EXECUTE FUNCTION slipway_append_only()
        """,
        """
        CREATE TRIGGER approvals_no_truncate BEFORE TRUNCATE ON approvals
            FOR EACH STATEMENT EXECUTE FUNCTION slipway_append_only()
        """,
        """
        CREATE TRIGGER checks_append_only BEFORE UPDATE OR DELETE ON checks
            FOR EACH ROW EXECUTE FUNCTION slipway_append_only()
        """,
        """
        CREATE TRIGGER scans_append_only BEFORE UPDATE OR DELETE ON scans
            FOR EACH ROW EXECUTE FUNCTION slipway_append_only()
        """,
        """
        CREATE TRIGGER artifacts_append_only BEFORE UPDATE OR DELETE ON artifacts
            FOR EACH ROW EXECUTE FUNCTION slipway_append_only()
        """,
        """
        CREATE TRIGGER gates_append_only BEFORE UPDATE OR DELETE ON gates
            FOR EACH ROW EXECUTE FUNCTION slipway_append_only()
        """,
        "REVOKE UPDATE, DELETE, TRUNCATE ON approvals, checks, scans, artifacts, gates FROM PUBLIC",
    ])
}
