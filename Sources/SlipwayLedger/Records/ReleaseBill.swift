import Foundation
import PostgresNIO
import SlipwayCore

/// Everything the ledger knows about one release (one run of a pipeline at a commit): the commit,
/// what the build produced with digests (binary, image, SBOM), the scans it was judged on, and
/// each promotion with the model (name and digest) it put in place. What `slipway release show`
/// prints, and what an auditor asks for.
public struct ReleaseBill: Sendable, Equatable, Codable {
    /// The model a promotion's model step put on the environment's Ollama endpoints.
    public struct Model: Sendable, Equatable, Codable {
        public var name: String
        public var digest: String
    }

    /// One promotion of the release, with its model.
    public struct Promotion: Sendable, Equatable, Codable {
        public var promotion: PromotionRecord
        public var model: Model?
    }

    public var run: RunRecord
    /// Why the run failed, when it did (`build: scan grype: …`).
    public var failure: String?
    /// The release's id as its promotions name it; nil while it has none.
    public var releaseID: String?
    public var artifacts: [ArtifactRecord]
    /// The latest scan of each name: what the release was judged on.
    public var scans: [ScanRecord]
    /// The promotions, oldest first.
    public var promotions: [Promotion]
    /// The model of the latest promotion whose model step finished with one.
    public var model: Model?
}

extension LedgerTransaction {
    /// The bill of run `runID`; nil when there is no such run.
    public func releaseBill(runID: Int64) async throws -> ReleaseBill? {
        guard let run = try await run(id: runID) else { return nil }
        var failure: String?
        for try await (text) in try await query("SELECT failure FROM runs WHERE id = \(runID)").decode(String?.self) {
            failure = text
        }
        var promotions: [ReleaseBill.Promotion] = []
        let rows = try await query("""
            SELECT \(unescaped: PromotionRecord.columns) FROM promotions p WHERE p.run_id = \(runID) ORDER BY p.id
            """)
        for try await row in rows { promotions.append(.init(promotion: try PromotionRecord(row: row), model: nil)) }
        let models = try await query("""
            SELECT s.promotion_id, s.result ->> 'model', s.result ->> 'digest' FROM promotion_steps s
            JOIN promotions p ON p.id = s.promotion_id
            WHERE p.run_id = \(runID) AND s.kind = 'model' AND s.status = 'succeeded'
              AND s.result ->> 'model' IS NOT NULL AND s.result ->> 'digest' IS NOT NULL
            ORDER BY s.id
            """)
        for try await (promotionID, name, digest) in models.decode((Int64, String, String).self) {
            if let index = promotions.firstIndex(where: { $0.promotion.id == promotionID }) {
                promotions[index].model = ReleaseBill.Model(name: name, digest: digest)
            }
        }
        return ReleaseBill(
            run: run, failure: failure, releaseID: promotions.last?.promotion.releaseID,
            artifacts: try await artifacts(runID: runID), scans: try await latestBoundScans(runID: runID),
            promotions: promotions, model: promotions.last(where: { $0.model != nil })?.model
        )
    }

    /// The run a release id names: the run of the latest promotion with that release id, or else,
    /// for `<pipeline>-<commit prefix>` (how runs name their releases), the one run of that
    /// pipeline whose commit starts so. Nil when none (or more than one) matches.
    public func runID(releaseID: String) async throws -> Int64? {
        for try await (runID) in try await query("""
            SELECT run_id FROM promotions WHERE release_id = \(releaseID) ORDER BY id DESC LIMIT 1
            """).decode(Int64.self) {
            return runID
        }
        guard let dash = releaseID.lastIndex(of: "-") else { return nil }
        let pipeline = String(releaseID[..<dash])
        let prefix = String(releaseID[releaseID.index(after: dash)...]).lowercased()
        guard !pipeline.isEmpty, prefix.count >= 4, prefix.allSatisfy(\.isHexDigit) else { return nil }
        var matches: [Int64] = []
        for try await (runID) in try await query("""
            SELECT id FROM runs WHERE pipeline = \(pipeline) AND commit_sha LIKE \(prefix + "%") ORDER BY id LIMIT 2
            """).decode(Int64.self) {
            matches.append(runID)
        }
        return matches.count == 1 ? matches[0] : nil
    }
}
