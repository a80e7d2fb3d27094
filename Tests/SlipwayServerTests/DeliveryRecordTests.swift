import Foundation
import SlipwayLedger
import SlipwayTestSupport
import Testing

/// The `webhook_deliveries` table (ledger migration 4), against a real PostgreSQL.
@Suite("webhook delivery records")
struct DeliveryRecordTests {
    static let digest = "sha256:" + String(repeating: "ab", count: 32)

    @Test("a delivery is recorded once: the same provider and id again is a duplicate, another provider is not")
    func recordedOnce() async throws {
        try await TestDatabase.withFreshDatabase { configuration in
            try await Ledger.withLedger(configuration, logger: TestDatabase.logger) { ledger in
                let first = NewWebhookDelivery(
                    provider: .github, deliveryID: "72d3162e-cc78-11e3-81ab-4c9367dc0958", event: "push",
                    ref: "refs/heads/main", outcome: .triggered, bodyDigest: Self.digest
                )
                let recorded = try await ledger.transaction { tx in try await tx.recordWebhookDelivery(first) }
                #expect(recorded?.outcome == .triggered && recorded?.ref == "refs/heads/main")
                var replay = first
                replay.outcome = .ignored
                replay.bodyDigest = "sha256:" + String(repeating: "cd", count: 32)
                #expect(try await ledger.transaction { tx in try await tx.recordWebhookDelivery(replay) } == nil)
                var gitlab = first
                gitlab.provider = .gitlab
                #expect(try await ledger.transaction { tx in try await tx.recordWebhookDelivery(gitlab) } != nil)

                let stored = try await ledger.transaction { tx in try await tx.webhookDelivery(provider: .github, id: first.deliveryID) }
                #expect(stored?.outcome == .triggered, "the first record stays as it was")
                #expect(stored?.bodyDigest == Self.digest)
                #expect(try await ledger.transaction { tx in try await tx.recentWebhookDeliveries() }.count == 2)
            }
        }
    }

    @Test("an empty or over-long id and a malformed digest are refused")
    func invalidDeliveries() async throws {
        try await TestDatabase.withFreshDatabase { configuration in
            try await Ledger.withLedger(configuration, logger: TestDatabase.logger) { ledger in
                for (id, digest) in [("", Self.digest), (String(repeating: "x", count: 201), Self.digest), ("ok", "sha256:xyz")] {
                    let delivery = NewWebhookDelivery(provider: .github, deliveryID: id, event: "push", ref: nil, outcome: .ignored, bodyDigest: digest)
                    let error = await #expect(throws: LedgerError.self) {
                        try await ledger.transaction { tx in try await tx.recordWebhookDelivery(delivery) }
                    }
                    #expect(error?.code == .invalidArgument)
                }
            }
        }
    }
}
