import Foundation
import PostgresNIO
import SlipwayCore

extension LedgerTransaction {
    /// The policy in effect in every environment that has one: the latest recorded there that
    /// the chain records (``latestBoundPolicy(environment:pipeline:)``).
    public func policiesInEffect() async throws -> [PolicyInEffect] {
        var environments: [String] = []
        for try await environment in try await query("SELECT DISTINCT environment FROM environment_policies ORDER BY environment")
            .decode(String.self) {
            environments.append(environment)
        }
        var policies: [PolicyInEffect] = []
        for environment in environments {
            if let policy = try await latestBoundPolicy(environment: environment, pipeline: nil) { policies.append(policy) }
        }
        return policies
    }

    /// The policy in effect in `environment` for `pipeline`'s stage: the environment's latest
    /// spec, with the stage gate and scans of the pipeline's latest release there (of the
    /// environment's latest release when the pipeline has none). Nil when no release has
    /// succeeded there yet. Only rows the chain records count: one written by SQL is skipped
    /// and the one before it stays in effect.
    public func policyInEffect(environment: String, pipeline: String) async throws -> PolicyInEffect? {
        guard var policy = try await latestBoundPolicy(environment: environment, pipeline: nil) else { return nil }
        // The pipeline's own stage gate and scans; another pipeline's when this one has never
        // succeeded there (a pipeline renamed by a commit does not shed the gate).
        if let own = try await latestBoundPolicy(environment: environment, pipeline: pipeline) {
            policy.policy.gate = own.policy.gate
            policy.policy.scans = own.policy.scans
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
        let digest = Self.policyDigest(canonical: text)
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

    static func policyInEffect(_ row: PostgresRow) throws -> PolicyInEffect {
        let (environment, promotionID, commit, text, digest, bootstrap) = try row.decode((String, Int64, String, String, String, Bool).self)
        guard let policy = EnvironmentPolicy(json: try StepRecord.json(text), location: .start(of: "ledger: \(environment)")) else {
            throw LedgerError(.query, "the policy in effect in \(environment) (\(digest)) cannot be read")
        }
        return PolicyInEffect(policy: policy, promotionID: promotionID, commitSHA: commit, digest: digest, bootstrap: bootstrap)
    }
}
