import Crypto
import Foundation
import PostgresNIO
import SlipwayCore

extension LedgerTransaction {
    /// The policy in effect in every environment that has one: the latest recorded there.
    public func policiesInEffect() async throws -> [PolicyInEffect] {
        let rows = try await query("""
            SELECT DISTINCT ON (environment) environment, promotion_id, commit_sha, policy::text, digest, bootstrap
            FROM environment_policies ORDER BY environment, id DESC
            """)
        var policies: [PolicyInEffect] = []
        for try await row in rows { policies.append(try Self.policyInEffect(row)) }
        return policies
    }

    /// The policy in effect in `environment` for `pipeline`'s stage: the environment's latest
    /// spec, with the stage gate and scans of the pipeline's latest release there (of the
    /// environment's latest release when the pipeline has none). Nil when no release has
    /// succeeded there yet.
    public func policyInEffect(environment: String, pipeline: String) async throws -> PolicyInEffect? {
        var latest: PolicyInEffect?
        for try await row in try await query("""
            SELECT environment, promotion_id, commit_sha, policy::text, digest, bootstrap
            FROM environment_policies WHERE environment = \(environment) ORDER BY id DESC LIMIT 1
            """) {
            latest = try Self.policyInEffect(row)
        }
        guard var policy = latest else { return nil }
        // The pipeline's own stage gate and scans; another pipeline's when this one has never
        // succeeded there (a pipeline renamed by a commit does not shed the gate).
        for try await text in try await query("""
            SELECT policy::text FROM environment_policies WHERE environment = \(environment) AND pipeline = \(pipeline)
            ORDER BY id DESC LIMIT 1
            """).decode(String.self) {
            if let own = EnvironmentPolicy(json: try StepRecord.json(text)) {
                policy.policy.gate = own.gate
                policy.policy.scans = own.scans
            }
        }
        return policy
    }

    /// Puts `policy` — the release's own, from its commit — in effect in its environment, once
    /// the promotion `promotion` has succeeded; a second call for the same promotion writes
    /// nothing. Its event says whether it bootstrapped the environment or what it changed.
    @discardableResult
    public func recordPolicyInEffect(_ policy: EnvironmentPolicy, promotion: PromotionRecord, actor: String) async throws -> PolicyInEffect? {
        guard promotion.status == .succeeded, policy.name == promotion.environment else {
            throw LedgerError(
                .conflict,
                "promotion \(promotion.id) is \(promotion.status.rawValue) in \(promotion.environment); only a release that succeeded there puts its policy in effect"
            )
        }
        let previous = try await policyInEffect(environment: promotion.environment, pipeline: promotion.pipeline)
        let json = policy.json
        let text = StepRecord.text(json)
        let digest = "sha256:" + SHA256.hash(data: Data(text.utf8)).hex
        let bootstrap = previous == nil
        let inserted = try await query("""
            INSERT INTO environment_policies (environment, pipeline, promotion_id, commit_sha, policy, digest, bootstrap, recorded_at)
            VALUES (\(promotion.environment), \(promotion.pipeline), \(promotion.id), \(promotion.commitSHA), \(text)::jsonb,
                    \(digest), \(bootstrap), \(now()))
            ON CONFLICT (promotion_id) DO NOTHING RETURNING id
            """)
        var wrote = false
        for try await _ in inserted { wrote = true }
        guard wrote else { return nil }
        let recorded = PolicyInEffect(
            policy: policy, promotionID: promotion.id, commitSHA: promotion.commitSHA, digest: digest, bootstrap: bootstrap
        )
        var payload: [String: JSONValue] = [
            "environment": .string(promotion.environment), "pipeline": .string(promotion.pipeline),
            "promotion": .number(Double(promotion.id)), "commit": .string(promotion.commitSHA), "digest": .string(digest),
            "policy": json,
        ]
        let kind: String
        if let previous {
            if let change = PolicyChange.between(inEffect: previous, release: policy) {
                kind = "policy.changed"
                payload["change"] = change.json
            } else {
                kind = "policy.confirmed"
            }
            payload["previous"] = .string(previous.digest)
        } else {
            kind = "policy.bootstrapped"
        }
        try await appendEvent(NewEvent(actor: actor, kind: kind, subject: "environment/\(promotion.environment)", payload: .object(payload)))
        return recorded
    }

    private static func policyInEffect(_ row: PostgresRow) throws -> PolicyInEffect {
        let (environment, promotionID, commit, text, digest, bootstrap) = try row.decode((String, Int64, String, String, String, Bool).self)
        guard let policy = EnvironmentPolicy(json: try StepRecord.json(text), location: .start(of: "ledger: \(environment)")) else {
            throw LedgerError(.query, "the policy in effect in \(environment) (\(digest)) cannot be read")
        }
        return PolicyInEffect(policy: policy, promotionID: promotionID, commitSHA: commit, digest: digest, bootstrap: bootstrap)
    }
}
