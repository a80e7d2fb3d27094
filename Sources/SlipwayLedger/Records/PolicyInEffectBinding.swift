import Foundation
import PostgresNIO
import SlipwayCore
import SlipwaySystem

/// A policy in effect counts only as the chain records it: the `environment_policies` row must
/// have its `policy.bootstrapped`, `policy.confirmed` or `policy.changed` event (same
/// environment, pipeline, promotion, commit, digest and policy), the digest must be the SHA-256
/// of the row's canonical policy JSON, and, when the ledger has its signing key, the event must
/// be covered by a signed checkpoint. A row inserted with only the database's password is skipped:
/// the environment's previous bound row stays in effect.
extension LedgerTransaction {
    /// The join that binds a policy row `p` to its event `e`.
    static let policyEventMatch = """
        e.subject = 'environment/' || p.environment
        AND e.kind IN ('policy.bootstrapped', 'policy.confirmed', 'policy.changed')
        AND (e.kind = 'policy.bootstrapped') = p.bootstrap
        AND (e.payload::jsonb ->> 'environment') = p.environment AND (e.payload::jsonb ->> 'pipeline') = p.pipeline
        AND (e.payload::jsonb ->> 'promotion') = p.promotion_id::text AND (e.payload::jsonb ->> 'commit') = p.commit_sha
        AND (e.payload::jsonb ->> 'digest') = p.digest AND (e.payload::jsonb -> 'policy') = p.policy
        """

    /// `sha256:` and the SHA-256 of the canonical JSON `canonical`: a policy's digest.
    static func policyDigest(canonical: String) -> String {
        FileDigest.sha256(of: Data(canonical.utf8))
    }

    /// Whether the policy stored as `text` (as PostgreSQL gives jsonb back) has `digest`.
    static func policy(stored text: String, hasDigest digest: String) throws -> Bool {
        policyDigest(canonical: StepRecord.text(try StepRecord.json(text))) == digest
    }

    /// The latest policy row of `environment` (of `pipeline`'s releases there, when given) that is
    /// bound to its signed event and whose digest is its policy's; newer rows that are not are
    /// skipped, and logged.
    func latestBoundPolicy(environment: String, pipeline: String?) async throws -> PolicyInEffect? {
        var candidates: [(id: Int64, seq: Int64?)] = []
        for try await (id, seq) in try await query("""
            SELECT p.id, e.seq FROM environment_policies p LEFT JOIN events e ON \(unescaped: Self.policyEventMatch)
            WHERE p.environment = \(environment) AND (\(pipeline)::text IS NULL OR p.pipeline = \(pipeline))
            ORDER BY p.id DESC, e.seq
            """).decode((Int64, Int64?).self) {
            candidates.append((id, seq))
        }
        var skipped: [Int64] = []
        defer {
            if !skipped.isEmpty {
                logger.warning("skipping policies in effect that no signed event records (written outside Slipway)", metadata: [
                    "environment": "\(environment)", "rows": "\(Array(Set(skipped)).sorted())",
                ])
            }
        }
        for candidate in candidates {
            guard let seq = candidate.seq, try await isSignedOrBeforeCheckpoints(seq: seq) else {
                skipped.append(candidate.id)
                continue
            }
            var stored: PostgresRow?
            for try await row in try await query("""
                SELECT environment, promotion_id, commit_sha, policy::text, digest, bootstrap FROM environment_policies WHERE id = \(candidate.id)
                """) {
                stored = row
            }
            guard let stored else { continue }
            let (_, _, _, text, digest, _) = try stored.decode((String, Int64, String, String, String, Bool).self)
            guard try Self.policy(stored: text, hasDigest: digest) else {
                skipped.append(candidate.id)
                continue
            }
            return try Self.policyInEffect(stored)
        }
        return nil
    }

    /// Policy rows not bound to their event, or whose digest is not their policy's, oldest first,
    /// at most `limit`.
    func unboundPolicies(limit: Int) async throws -> [UnboundFact] {
        var facts: [UnboundFact] = []
        for try await (id, environment, promotion, text, digest, bound) in try await query("""
            SELECT p.id, p.environment, p.promotion_id, p.policy::text, p.digest,
                   EXISTS (SELECT 1 FROM events e WHERE \(unescaped: Self.policyEventMatch))
            FROM environment_policies p ORDER BY p.id
            """).decode((Int64, String, Int64, String, String, Bool).self) {
            guard facts.count < limit else { break }
            let digestHolds = try Self.policy(stored: text, hasDigest: digest)
            guard !bound || !digestHolds else { continue }
            facts.append(UnboundFact(
                table: "environment_policies", id: id,
                summary: "the policy in effect in \(environment) from promotion \(promotion) (\(digest)\(digestHolds ? "" : ", which is not its policy's digest"))"
            ))
        }
        return facts
    }
}
