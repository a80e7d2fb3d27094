extension LedgerSchema {
    /// Version 5: indexes for the audit API's filters, so a page of promotion history (or runs)
    /// is an index walk however many rows the ledger holds: a status or a status among
    /// environments (`status, id`), a commit prefix (`LIKE 'abc%'` needs `text_pattern_ops`
    /// whatever the database's collation), who triggered a promotion (`triggered_by, id`) and
    /// what a person approved, newest first (`approver, promotion_id`). Environment, pipeline
    /// and time already had theirs (version 1).
    static let auditIndexes = Migration(version: 5, name: "audit query indexes", statements: [
        "CREATE INDEX promotions_status ON promotions (status, id DESC)",
        "CREATE INDEX promotions_commit ON promotions (commit_sha text_pattern_ops)",
        "CREATE INDEX promotions_triggered_by ON promotions (triggered_by, id DESC)",
        "CREATE INDEX approvals_approver_promotion ON approvals (approver, promotion_id DESC)",
        "CREATE INDEX runs_status ON runs (status, id DESC)",
        "CREATE INDEX runs_commit ON runs (commit_sha text_pattern_ops)",
    ])
}
