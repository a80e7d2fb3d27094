import Foundation
import PostgresNIO
import SlipwayCore
import SlipwaySystem

/// Something a run's build produced (a binary, an image, an SBOM), as the ledger holds it:
/// where it is and the SHA-256 digest it had when it was recorded.
public struct ArtifactRecord: Sendable, Equatable, Codable {
    public var id: Int64
    public var runID: Int64
    /// The name the pipeline gives it (the key of a build step's `produces`), unique in a run.
    public var name: String
    /// What it is, e.g. `binary`.
    public var kind: String
    /// Where it is kept, e.g. the path Slipway copied it to.
    public var location: String
    /// `sha256:` followed by 64 lowercase hex digits.
    public var digest: String
    public var sizeBytes: Int64?
    public var createdAt: Date

    static let columns = "id, run_id, name, kind, location, digest, size_bytes, created_at"

    init(row: PostgresRow) throws {
        let (id, runID, name, kind, location, digest, size, created) = try row.decode(
            (Int64, Int64, String, String, String, String, Int64?, Date).self
        )
        self.id = id
        self.runID = runID
        self.name = name
        self.kind = kind
        self.location = location
        self.digest = digest
        self.sizeBytes = size
        self.createdAt = created
    }
}

extension LedgerTransaction {
    /// Records an artifact of a run once. Recording the same (run, name) again with the same
    /// digest (a resumed build that produced the same bytes) returns the existing row with
    /// `created == false` and writes no event; a different digest is a conflict, because the
    /// ledger's record of what a run produced never changes.
    ///
    /// - Throws: `LedgerError` `.invalidArgument` for a malformed digest, `.notFound` when the
    ///   run does not exist, `.conflict` when the name is already recorded with another digest.
    @discardableResult
    public func recordArtifact(
        runID: Int64, name: String, kind: String, location: String, digest: String, sizeBytes: Int64?, actor: String
    ) async throws -> (artifact: ArtifactRecord, created: Bool) {
        guard FileDigest.isValid(digest) else {
            throw LedgerError(.invalidArgument, "artifact \(name) of run \(runID): the digest must be 'sha256:' and 64 lowercase hex digits, found \"\(digest)\"")
        }
        guard try await run(id: runID) != nil else {
            throw LedgerError(.notFound, "cannot record artifact \(name): there is no run \(runID) (create the run before building it)")
        }
        let inserted = try await query("""
            INSERT INTO artifacts (run_id, name, kind, location, digest, size_bytes)
            VALUES (\(runID), \(name), \(kind), \(location), \(digest), \(sizeBytes))
            ON CONFLICT (run_id, name) DO NOTHING
            RETURNING \(unescaped: ArtifactRecord.columns)
            """)
        for try await row in inserted {
            let record = try ArtifactRecord(row: row)
            var payload: [String: JSONValue] = [
                "name": .string(name), "kind": .string(kind), "location": .string(location), "digest": .string(digest),
            ]
            if let sizeBytes { payload["size"] = .number(Double(sizeBytes)) }
            try await appendEvent(NewEvent(actor: actor, kind: "artifact.recorded", subject: "run/\(runID)", payload: .object(payload)))
            return (record, true)
        }
        guard let existing = try await artifact(runID: runID, name: name) else {
            throw LedgerError(.conflict, "artifact \(name) of run \(runID) was neither recorded nor found")
        }
        guard existing.digest == digest else {
            throw LedgerError(.conflict, """
                artifact \(name) of run \(runID) is already recorded with \(existing.digest), and this build produced \(digest): \
                the build is not reproducible; start a new run to record a new build
                """)
        }
        return (existing, false)
    }

    /// A run's artifacts, by name.
    public func artifacts(runID: Int64) async throws -> [ArtifactRecord] {
        var records: [ArtifactRecord] = []
        let rows = try await query("""
            SELECT \(unescaped: ArtifactRecord.columns) FROM artifacts WHERE run_id = \(runID) ORDER BY name
            """)
        for try await row in rows { records.append(try ArtifactRecord(row: row)) }
        return records
    }

    /// One artifact of a run, by name.
    public func artifact(runID: Int64, name: String) async throws -> ArtifactRecord? {
        let rows = try await query("""
            SELECT \(unescaped: ArtifactRecord.columns) FROM artifacts WHERE run_id = \(runID) AND name = \(name)
            """)
        for try await row in rows { return try ArtifactRecord(row: row) }
        return nil
    }
}
