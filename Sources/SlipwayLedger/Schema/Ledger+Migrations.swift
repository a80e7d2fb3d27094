import PostgresNIO

/// What `migrate()` did.
public struct MigrationReport: Sendable, Equatable {
    public var applied: [Int]
    public var currentVersion: Int
}

extension Ledger {
    /// Applies every pending migration in one transaction, under an advisory lock,
    /// so that concurrent starts do not race and a second run is a no-op.
    @discardableResult
    public func migrate() async throws -> MigrationReport {
        try await transaction { tx in
            try await tx.query("SELECT pg_advisory_xact_lock(\(LedgerSchema.migrationLockKey))")
            // Nothing pending: touch no DDL, so the runtime role (which may not) starts as well as the owner.
            let before = try await tx.appliedMigrations()
            try Ledger.checkCompatible(before)
            if !before.isEmpty, LedgerSchema.migrations.allSatisfy({ before[$0.version] != nil }) {
                return MigrationReport(applied: [], currentVersion: before.keys.max() ?? 0)
            }
            try await tx.requireMayMigrate()
            try await tx.query("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version     integer PRIMARY KEY,
                    name        text NOT NULL,
                    checksum    text NOT NULL,
                    applied_at  timestamptz NOT NULL DEFAULT now()
                )
                """)
            let applied = try await tx.appliedMigrations()
            try Ledger.checkCompatible(applied)
            var report = MigrationReport(applied: [], currentVersion: applied.keys.max() ?? 0)
            for migration in LedgerSchema.migrations where applied[migration.version] == nil {
                for statement in migration.statements {
                    try await tx.query(PostgresQuery(unsafeSQL: statement))
                }
                try await tx.query("""
                    INSERT INTO schema_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                    """)
                report.applied.append(migration.version)
                report.currentVersion = migration.version
            }
            return report
        }
    }

    /// The schema version the database is at (0 when never migrated).
    public func schemaVersion() async throws -> Int {
        try await read("reading the schema version") { tx in
            try await tx.appliedMigrations().keys.max() ?? 0
        }
    }

    /// Fails unless the database is at exactly this binary's schema.
    func requireCurrentSchema() async throws {
        let applied = try await read("reading the schema version") { tx in try await tx.appliedMigrations() }
        try Ledger.checkCompatible(applied)
        let version = applied.keys.max() ?? 0
        if version < LedgerSchema.latestVersion {
            throw LedgerError(
                .configuration,
                "the ledger database is at schema version \(version), this slipway needs \(LedgerSchema.latestVersion); run `slipway db migrate`"
            )
        }
    }

    static func checkCompatible(_ applied: [Int: String]) throws {
        if let newest = applied.keys.max(), newest > LedgerSchema.latestVersion {
            throw LedgerError(
                .schemaTooNew,
                "the ledger database is at schema version \(newest), newer than this slipway knows (\(LedgerSchema.latestVersion)); upgrade slipway before using this database"
            )
        }
        for migration in LedgerSchema.migrations {
            if let checksum = applied[migration.version], checksum != migration.checksum {
                throw LedgerError(
                    .migrationChanged,
                    "migration \(migration.version) (\(migration.name)) differs from the one applied to this database; a shipped migration must never be edited"
                )
            }
        }
    }
}

extension LedgerTransaction {
    /// Fails, saying what to run, when the connected user cannot apply migrations: it does not
    /// own the ledger's tables (the runtime role) or may not create tables.
    func requireMayMigrate() async throws {
        var owner: String?
        var user = ""
        var mayCreate = false
        for try await (tableOwner, current, create) in try await query("""
            SELECT (SELECT pg_get_userbyid(relowner)::text FROM pg_class WHERE oid = to_regclass('schema_migrations')),
                   current_user::text, has_schema_privilege('public', 'CREATE')
            """).decode((String?, String, Bool).self) {
            owner = tableOwner
            user = current
            mayCreate = create
        }
        var superuser = false
        for try await flag in try await query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").decode(Bool.self) { superuser = flag }
        if superuser { return }
        if let owner, owner != user {
            throw LedgerError(.configuration, """
                the ledger has migrations to apply, and '\(user)' may not apply them (the tables belong to '\(owner)'): \
                run `slipway db migrate` as the owner (--owner-url, or $SLIPWAY_OWNER_DATABASE_URL)
                """)
        }
        if owner == nil, !mayCreate {
            throw LedgerError(.configuration, """
                '\(user)' may not create the ledger's tables in schema public: run `slipway db migrate` as the role that \
                will own them (--owner-url), with --runtime-role for the role Slipway runs as
                """)
        }
    }

    /// version → checksum of every applied migration; empty on a new database.
    func appliedMigrations() async throws -> [Int: String] {
        let exists = try await query("SELECT to_regclass('schema_migrations') IS NOT NULL")
        var present = false
        for try await (flag) in exists.decode(Bool.self) { present = flag }
        guard present else { return [:] }
        var applied: [Int: String] = [:]
        for try await (version, checksum) in try await query("SELECT version, checksum FROM schema_migrations").decode((Int, String).self) {
            applied[version] = checksum
        }
        return applied
    }
}
