extension LedgerSchema {
    /// Version 3: identity and gates. `api_tokens` holds who a token speaks for (a user and
    /// groups) and the SHA-256 of the token, never the token. `gates` keeps what each
    /// promotion's gate requires, as the specs at its commit said. `approvals` (made in version
    /// 1, never written before) gains the release an approval binds to, as JSON beside its
    /// digest; break glass with its reason; and the token it was made with. A person may decide
    /// more than once (approve again after an approval expired, or reject after approving), so
    /// the one-row-per-person constraint goes.
    static let approvals = Migration(version: 3, name: "api tokens, gate requirements and approvals", statements: [
        """
        CREATE TABLE api_tokens (
            id            bigserial PRIMARY KEY,
            user_name     text NOT NULL CHECK (user_name ~ '^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$'),
            groups        text[] NOT NULL DEFAULT '{}',
            token_sha256  text NOT NULL UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
            created_by    text NOT NULL,
            created_at    timestamptz NOT NULL,
            expires_at    timestamptz,
            revoked_at    timestamptz,
            revoked_by    text,
            last_used_at  timestamptz,
            CHECK (expires_at IS NULL OR expires_at > created_at)
        )
        """,
        """
        CREATE TABLE gates (
            promotion_id  bigint PRIMARY KEY REFERENCES promotions (id),
            requirements  jsonb NOT NULL,
            recorded_at   timestamptz NOT NULL
        )
        """,
        "ALTER TABLE approvals DROP CONSTRAINT approvals_promotion_id_approver_release_fingerprint_key",
        "ALTER TABLE approvals RENAME COLUMN release_fingerprint TO release_digest",
        "ALTER TABLE approvals ADD CONSTRAINT approvals_release_digest_format CHECK (release_digest ~ '^sha256:[0-9a-f]{64}$')",
        "ALTER TABLE approvals ADD COLUMN release jsonb NOT NULL DEFAULT '{}'",
        "ALTER TABLE approvals ALTER COLUMN release DROP DEFAULT",
        "ALTER TABLE approvals ADD COLUMN break_glass boolean NOT NULL DEFAULT false",
        "ALTER TABLE approvals ADD COLUMN reason text",
        "ALTER TABLE approvals ADD COLUMN token_id bigint REFERENCES api_tokens (id)",
        "ALTER TABLE approvals ALTER COLUMN created_at DROP DEFAULT",
        """
        ALTER TABLE approvals ADD CONSTRAINT approvals_break_glass_is_an_approval_with_a_reason
            CHECK (NOT break_glass OR (decision = 'approved' AND length(btrim(coalesce(reason, ''))) > 0))
        """,
        """
        ALTER TABLE approvals ADD CONSTRAINT approvals_rejection_says_why
            CHECK (decision <> 'rejected' OR length(btrim(coalesce(comment, ''))) > 0)
        """,
        "CREATE INDEX approvals_promotion ON approvals (promotion_id, id)",
    ])
}
