extension LedgerSchema {
    /// Version 10: decisions by an outside identity. An approval records the identity provider
    /// (`issuer`) and the person's id there (`subject`) when a verified JWT made it, and the
    /// verified email; an API token's decision keeps `token_id` and leaves them empty. Its
    /// event's payload names the same issuer and subject (the row is bound to it).
    static let deciderIdentities = Migration(version: 10, name: "decisions by an outside identity", statements: [
        "ALTER TABLE approvals ADD COLUMN issuer text",
        "ALTER TABLE approvals ADD COLUMN subject text",
        "ALTER TABLE approvals ADD COLUMN email text",
        """
        ALTER TABLE approvals ADD CONSTRAINT approvals_outside_identity
            CHECK ((issuer IS NULL) = (subject IS NULL) AND NOT (issuer IS NOT NULL AND token_id IS NOT NULL))
        """,
    ])
}
