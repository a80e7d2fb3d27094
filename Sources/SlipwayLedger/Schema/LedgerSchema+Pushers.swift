extension LedgerSchema {
    /// Version 11: who pushed what. A push delivery keeps the commit it moved the ref to and the
    /// pusher the provider named (`Name <email>`, the login), so `forbidSelfApproval` can refuse
    /// the pusher of any commit a release brings.
    static let pushers = Migration(version: 11, name: "webhook pushers", statements: [
        "ALTER TABLE webhook_deliveries ADD COLUMN after_sha text CHECK (after_sha ~ '^[0-9a-f]{40}$')",
        "ALTER TABLE webhook_deliveries ADD COLUMN pushers text[] NOT NULL DEFAULT '{}'",
        "CREATE INDEX webhook_deliveries_after ON webhook_deliveries (after_sha) WHERE after_sha IS NOT NULL",
    ])
}
