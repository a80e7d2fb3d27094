extension LedgerSchema {
    /// Version 7: signed checkpoints of the event chain. Each row says, under an Ed25519 signature
    /// made with a key kept outside the database, that events `first_seq…last_seq` were appended
    /// by the key's holder and that the chain then ended at `last_seq` with hash `head_hash`.
    /// Like `events`, the table is append-only (``slipway_append_only``, made by version 6, refuses UPDATE, DELETE
    /// and TRUNCATE for whoever is not the table's owner turning the trigger off).
    static let checkpoints = Migration(version: 7, name: "signed chain checkpoints", statements: [
        """
        CREATE TABLE checkpoints (
            id              bigserial PRIMARY KEY,
            first_seq       bigint NOT NULL CHECK (first_seq > 0),
            last_seq        bigint NOT NULL CHECK (last_seq >= first_seq),
            head_hash       text NOT NULL CHECK (head_hash ~ '^[0-9a-f]{64}$'),
            signed_at_us    bigint NOT NULL,
            key_id          text NOT NULL CHECK (key_id ~ '^[0-9a-f]{16}$'),
            signature       text NOT NULL
        )
        """,
        "CREATE INDEX checkpoints_last_seq ON checkpoints (last_seq)",
        """
        CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
            FOR EACH ROW EXECUTE FUNCTION slipway_append_only()
        """,
        """
        CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
            FOR EACH STATEMENT EXECUTE FUNCTION slipway_append_only()
        """,
        "REVOKE UPDATE, DELETE, TRUNCATE ON checkpoints FROM PUBLIC",
    ])
}
