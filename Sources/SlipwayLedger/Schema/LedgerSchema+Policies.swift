extension LedgerSchema {
    /// Version 6: the policy in effect in each environment. A row is written when a promotion
    /// succeeds: the environment's spec and the stage's gate of that release (canonical JSON and
    /// its SHA-256), and whether it bootstrapped the environment (there was none before). The
    /// latest row of an environment is its policy in effect; rows are never changed.
    static let policies = Migration(version: 6, name: "policies in effect", statements: [
        """
        CREATE TABLE environment_policies (
            id            bigserial PRIMARY KEY,
            environment   text NOT NULL,
            pipeline      text NOT NULL,
            promotion_id  bigint NOT NULL UNIQUE REFERENCES promotions (id),
            commit_sha    text NOT NULL,
            policy        jsonb NOT NULL,
            digest        text NOT NULL CHECK (digest ~ '^sha256:[0-9a-f]{64}$'),
            bootstrap     boolean NOT NULL,
            recorded_at   timestamptz NOT NULL
        )
        """,
        "CREATE INDEX environment_policies_latest ON environment_policies (environment, id DESC)",
        // The one append-only trigger function of the tables after `events` (which has its own).
        """
        CREATE FUNCTION slipway_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the % table is append-only: % is refused', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """,
        """
        CREATE TRIGGER environment_policies_append_only BEFORE UPDATE OR DELETE ON environment_policies
            FOR EACH ROW EXECUTE FUNCTION slipway_append_only()
        """,
        """
        CREATE TRIGGER environment_policies_no_truncate BEFORE TRUNCATE ON environment_policies
            FOR EACH STATEMENT EXECUTE FUNCTION slipway_append_only()
        """,
    ])
}
