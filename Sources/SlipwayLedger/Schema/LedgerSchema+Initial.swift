extension LedgerSchema {
    /// Version 1: runs, artifacts, scans, promotions and their steps, approvals,
    /// checks, drift reports, and the append-only, hash-chained event log.
    static let initial = Migration(version: 1, name: "initial ledger", statements: [
        """
        CREATE TABLE runs (
            id            bigserial PRIMARY KEY,
            pipeline      text NOT NULL,
            commit_sha    text NOT NULL CHECK (commit_sha ~ '^[0-9a-f]{40}$'),
            branch        text NOT NULL,
            trigger       text NOT NULL CHECK (trigger IN ('manual', 'poll', 'webhook')),
            triggered_by  text NOT NULL,
            commit_author text,
            status        text NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
            failure       text,
            created_at    timestamptz NOT NULL DEFAULT now(),
            started_at    timestamptz,
            finished_at   timestamptz,
            UNIQUE (pipeline, commit_sha)
        )
        """,
        "CREATE INDEX runs_created ON runs (created_at DESC, id DESC)",
        """
        CREATE TABLE artifacts (
            id          bigserial PRIMARY KEY,
            run_id      bigint NOT NULL REFERENCES runs (id),
            name        text NOT NULL,
            kind        text NOT NULL,
            location    text NOT NULL,
            digest      text NOT NULL CHECK (digest ~ '^sha256:[0-9a-f]{64}$'),
            size_bytes  bigint,
            created_at  timestamptz NOT NULL DEFAULT now(),
            UNIQUE (run_id, name)
        )
        """,
        """
        CREATE TABLE scans (
            id             bigserial PRIMARY KEY,
            run_id         bigint NOT NULL REFERENCES runs (id),
            name           text NOT NULL,
            tool           text NOT NULL,
            status         text NOT NULL CHECK (status IN ('passed', 'failed', 'not_scanned', 'error')),
            summary        jsonb NOT NULL DEFAULT '{}',
            report_digest  text,
            created_at     timestamptz NOT NULL DEFAULT now()
        )
        """,
        """
        CREATE TABLE promotions (
            id            bigserial PRIMARY KEY,
            run_id        bigint NOT NULL REFERENCES runs (id),
            pipeline      text NOT NULL,
            environment   text NOT NULL,
            commit_sha    text NOT NULL,
            release_id    text NOT NULL,
            strategy      text NOT NULL,
            status        text NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'waiting', 'progressing', 'succeeded', 'failed',
                                            'rolled_back', 'superseded', 'aborted')),
            triggered_by  text NOT NULL,
            reason        text,
            created_at    timestamptz NOT NULL DEFAULT now(),
            started_at    timestamptz,
            finished_at   timestamptz,
            UNIQUE (run_id, environment)
        )
        """,
        // One promotion moves traffic in an environment at a time, whatever the number of runners.
        "CREATE UNIQUE INDEX promotions_one_active_per_environment ON promotions (environment) WHERE status = 'progressing'",
        "CREATE INDEX promotions_environment ON promotions (environment, id DESC)",
        "CREATE INDEX promotions_pipeline ON promotions (pipeline, id DESC)",
        "CREATE INDEX promotions_created ON promotions (created_at)",
        """
        CREATE TABLE promotion_steps (
            id            bigserial PRIMARY KEY,
            promotion_id  bigint NOT NULL REFERENCES promotions (id),
            ordinal       integer NOT NULL,
            kind          text NOT NULL,
            name          text NOT NULL,
            status        text NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'skipped')),
            attempt       integer NOT NULL DEFAULT 0,
            config        jsonb NOT NULL DEFAULT '{}',
            result        jsonb,
            log_tail      text,
            retry_after   timestamptz,
            started_at    timestamptz,
            finished_at   timestamptz,
            UNIQUE (promotion_id, ordinal)
        )
        """,
        """
        CREATE TABLE approvals (
            id                   bigserial PRIMARY KEY,
            promotion_id         bigint NOT NULL REFERENCES promotions (id),
            approver             text NOT NULL,
            approver_groups      text[] NOT NULL DEFAULT '{}',
            decision             text NOT NULL CHECK (decision IN ('approved', 'rejected')),
            comment              text,
            release_fingerprint  text NOT NULL,
            created_at           timestamptz NOT NULL DEFAULT now(),
            expires_at           timestamptz,
            UNIQUE (promotion_id, approver, release_fingerprint)
        )
        """,
        "CREATE INDEX approvals_approver ON approvals (approver)",
        """
        CREATE TABLE checks (
            id            bigserial PRIMARY KEY,
            promotion_id  bigint NOT NULL REFERENCES promotions (id),
            step_id       bigint REFERENCES promotion_steps (id),
            name          text NOT NULL,
            kind          text NOT NULL,
            status        text NOT NULL CHECK (status IN ('passed', 'failed', 'error')),
            evidence      jsonb NOT NULL DEFAULT '{}',
            started_at    timestamptz NOT NULL,
            finished_at   timestamptz NOT NULL
        )
        """,
        """
        CREATE TABLE drift_reports (
            id            bigserial PRIMARY KEY,
            environment   text NOT NULL,
            promotion_id  bigint REFERENCES promotions (id),
            checked_at    timestamptz NOT NULL DEFAULT now(),
            drifted       boolean NOT NULL,
            details       jsonb NOT NULL DEFAULT '{}'
        )
        """,
        """
        CREATE TABLE events (
            seq             bigint PRIMARY KEY CHECK (seq > 0),
            -- Microseconds since 1970 UTC: the exact value the hash covers.
            occurred_at_us  bigint NOT NULL,
            occurred_at     timestamptz GENERATED ALWAYS AS (to_timestamp(occurred_at_us / 1000000.0)) STORED,
            actor        text NOT NULL,
            kind         text NOT NULL,
            subject      text NOT NULL,
            payload      text NOT NULL,
            prev_hash    text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
            hash         text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$')
        )
        """,
        "CREATE INDEX events_subject ON events (subject, seq)",
        """
        CREATE FUNCTION slipway_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the events table is append-only: % is refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """,
        """
        CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
            FOR EACH ROW EXECUTE FUNCTION slipway_events_append_only()
        """,
        """
        CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
            FOR EACH STATEMENT EXECUTE FUNCTION slipway_events_append_only()
        """,
        "REVOKE UPDATE, DELETE, TRUNCATE ON events FROM PUBLIC",
    ])
}
