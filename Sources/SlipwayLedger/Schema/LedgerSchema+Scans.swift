extension LedgerSchema {
    /// Version 2: the `scans` table as the build stage records scans. Version 1 made the table
    /// but nothing wrote to it; this gives each row its kind (`vulnerabilities` or `sbom`), the
    /// counts by severity (or of packages), a one-line summary, where the report is kept, and
    /// the policy's whole evaluation.
    static let scans = Migration(version: 2, name: "scan results", statements: [
        """
        ALTER TABLE scans ADD COLUMN kind text NOT NULL DEFAULT 'vulnerabilities'
            CHECK (kind IN ('vulnerabilities', 'sbom'))
        """,
        // Every row from now on says its kind.
        "ALTER TABLE scans ALTER COLUMN kind DROP DEFAULT",
        // A line a person reads (`2 critical, 1 high; 1 fails the policy …`), not JSON.
        "ALTER TABLE scans ALTER COLUMN summary DROP DEFAULT",
        "ALTER TABLE scans ALTER COLUMN summary TYPE text USING summary #>> '{}'",
        "ALTER TABLE scans ALTER COLUMN summary SET DEFAULT ''",
        "ALTER TABLE scans ADD COLUMN counts jsonb NOT NULL DEFAULT '{}'",
        "ALTER TABLE scans ADD COLUMN report_location text",
        "ALTER TABLE scans ADD COLUMN evaluation jsonb",
        """
        ALTER TABLE scans ADD CONSTRAINT scans_report_digest_format
            CHECK (report_digest IS NULL OR report_digest ~ '^sha256:[0-9a-f]{64}$')
        """,
        "CREATE INDEX scans_run ON scans (run_id, name, id)",
    ])
}
