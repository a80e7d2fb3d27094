import Foundation
import PostgresNIO
import SlipwaySystem

/// A webhook delivery `slipway serve` accepted (its signature or token was right), as the ledger
/// holds it. Recorded once per provider and delivery id: the same delivery arriving again is a
/// duplicate and does nothing.
public struct WebhookDelivery: Sendable, Equatable, Codable {
    /// Where the delivery came from.
    public enum Provider: String, Sendable, Codable, CaseIterable {
        case github, gitlab
    }

    /// What the delivery led to.
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        /// A push to the watched branch: the watcher was asked to poll at once.
        case triggered
        /// Nothing to do: another branch, a tag, another event.
        case ignored
        /// GitHub's `ping`, answered.
        case pong
    }

    public var provider: Provider
    /// `X-GitHub-Delivery`, or GitLab's `Idempotency-Key` (else `X-Gitlab-Event-UUID`).
    public var deliveryID: String
    /// The provider's event name: `push`, `ping`, `Push Hook`, …
    public var event: String
    /// The pushed ref (`refs/heads/main`), when the event has one.
    public var ref: String?
    public var outcome: Outcome
    /// `sha256:` digest of the raw body, so a replay with another body under the same id shows.
    public var bodyDigest: String
    public var receivedAt: Date

    static let columns = "provider, delivery_id, event, ref, outcome, body_digest, received_at"

    init(row: PostgresRow) throws {
        let (provider, id, event, ref, outcome, digest, received) = try row.decode(
            (String, String, String, String?, String, String, Date).self
        )
        self.provider = Provider(rawValue: provider) ?? .github
        self.deliveryID = id
        self.event = event
        self.ref = ref
        self.outcome = Outcome(rawValue: outcome) ?? .ignored
        self.bodyDigest = digest
        self.receivedAt = received
    }
}

/// What is needed to record a delivery.
public struct NewWebhookDelivery: Sendable, Equatable {
    public var provider: WebhookDelivery.Provider
    public var deliveryID: String
    public var event: String
    public var ref: String?
    public var outcome: WebhookDelivery.Outcome
    public var bodyDigest: String
    /// The commit a push moved the ref to, and who pushed it (`Name <email>`, login): the
    /// pusher may not approve a release that brings that commit.
    public var afterSHA: String?
    public var pushers: [String]

    public init(
        provider: WebhookDelivery.Provider, deliveryID: String, event: String, ref: String?,
        outcome: WebhookDelivery.Outcome, bodyDigest: String, afterSHA: String? = nil, pushers: [String] = []
    ) {
        self.provider = provider
        self.deliveryID = deliveryID
        self.event = event
        self.ref = ref
        self.outcome = outcome
        self.bodyDigest = bodyDigest
        self.afterSHA = afterSHA
        self.pushers = pushers
    }

    /// The longest delivery id recorded; providers send UUIDs.
    public static let maximumIDLength = 200
}

extension LedgerTransaction {
    /// Records a delivery unless the same provider sent the same delivery id before. Returns the
    /// new record, or nil for a duplicate (the first record is left as it was).
    ///
    /// - Throws: `LedgerError` `.invalidArgument` for an empty or over-long id or a malformed digest.
    public func recordWebhookDelivery(_ delivery: NewWebhookDelivery) async throws -> WebhookDelivery? {
        guard !delivery.deliveryID.isEmpty, delivery.deliveryID.count <= NewWebhookDelivery.maximumIDLength else {
            throw LedgerError(.invalidArgument, "a webhook delivery id must have 1 to \(NewWebhookDelivery.maximumIDLength) characters")
        }
        guard FileDigest.isValid(delivery.bodyDigest) else {
            throw LedgerError(.invalidArgument, "a webhook delivery's body digest must be 'sha256:' and 64 lowercase hex digits")
        }
        let rows = try await query("""
            INSERT INTO webhook_deliveries (provider, delivery_id, event, ref, outcome, body_digest, received_at, after_sha, pushers)
            VALUES (\(delivery.provider.rawValue), \(delivery.deliveryID), \(delivery.event), \(delivery.ref),
                    \(delivery.outcome.rawValue), \(delivery.bodyDigest), \(now()), \(delivery.afterSHA), \(delivery.pushers))
            ON CONFLICT (provider, delivery_id) DO NOTHING
            RETURNING \(unescaped: WebhookDelivery.columns)
            """)
        for try await row in rows { return try WebhookDelivery(row: row) }
        return nil
    }

    /// The delivery recorded under `id` from `provider`, if any.
    public func webhookDelivery(provider: WebhookDelivery.Provider, id: String) async throws -> WebhookDelivery? {
        let rows = try await query("""
            SELECT \(unescaped: WebhookDelivery.columns) FROM webhook_deliveries
            WHERE provider = \(provider.rawValue) AND delivery_id = \(id)
            """)
        for try await row in rows { return try WebhookDelivery(row: row) }
        return nil
    }

    /// Who pushed any of `commits` to a watched branch, by the signed deliveries that triggered a
    /// run (each person once, in the order first seen).
    public func pushers(ofCommits commits: [String]) async throws -> [String] {
        guard !commits.isEmpty else { return [] }
        var people: [String] = []
        let rows = try await query("""
            SELECT pushers FROM webhook_deliveries
            WHERE outcome = 'triggered' AND after_sha = ANY(\(commits)) ORDER BY received_at
            """)
        for try await pushers in rows.decode([String].self) {
            for person in pushers where !people.contains(person) { people.append(person) }
        }
        return people
    }

    /// The latest deliveries, newest first.
    public func recentWebhookDeliveries(limit: Int = 50) async throws -> [WebhookDelivery] {
        var deliveries: [WebhookDelivery] = []
        let rows = try await query("""
            SELECT \(unescaped: WebhookDelivery.columns) FROM webhook_deliveries ORDER BY received_at DESC, delivery_id LIMIT \(limit)
            """)
        for try await row in rows { deliveries.append(try WebhookDelivery(row: row)) }
        return deliveries
    }
}
