import Foundation

/// Where a promotion's release came from, in a few fields: the commit, each artifact's digest
/// (the binary, the image, the SBOM), each scan's verdict and the model with its digest. What
/// `slipway history --provenance` adds to each promotion; the whole story is its
/// ``ReleaseBill``.
public struct ReleaseProvenance: Sendable, Equatable, Codable {
    public struct Artifact: Sendable, Equatable, Codable {
        public var name: String
        public var kind: String
        public var digest: String
    }

    public struct Scan: Sendable, Equatable, Codable {
        public var name: String
        public var tool: String
        public var status: String
        public var summary: String
        public var reportDigest: String?
    }

    public var commit: String
    public var artifacts: [Artifact]
    public var scans: [Scan]
    /// `name@digest` of the model the promotion rolled out (or the release's latest, when this
    /// promotion has not reached its model step); nil when no model step recorded one.
    public var model: String?

    /// The provenance of promotion `promotionID` from its release's bill.
    public init(bill: ReleaseBill, promotionID: Int64) {
        commit = bill.run.commitSHA
        artifacts = bill.artifacts.map { Artifact(name: $0.name, kind: $0.kind, digest: $0.digest) }
        scans = bill.scans.map {
            Scan(name: $0.name, tool: $0.tool, status: $0.status.rawValue, summary: $0.summary, reportDigest: $0.reportDigest)
        }
        let own = bill.promotions.first { $0.promotion.id == promotionID }?.model
        model = (own ?? bill.model).map { "\($0.name)@\($0.digest)" }
    }

    /// One line: `binary model-serve sha256:1a2b3c4d5e6f · image sha256:… · scans: trivy passed · model m@…` (an
    /// artifact's name is left out where it is its kind).
    public var summary: String {
        var parts = artifacts.map { ($0.name == $0.kind ? $0.kind : "\($0.kind) \($0.name)") + " " + Self.short($0.digest) }
        if !scans.isEmpty { parts.append("scans: " + scans.map { "\($0.name) \($0.status)" }.joined(separator: ", ")) }
        parts.append("model " + (model.map(Self.shortModel) ?? "none"))
        return parts.joined(separator: " · ")
    }

    /// `sha256:` and the first 12 hex digits (or the first 12 of a bare digest, as Ollama gives one).
    static func short(_ digest: String) -> String {
        digest.hasPrefix("sha256:") ? String(digest.prefix(7 + 12)) : String(digest.prefix(12))
    }

    static func shortModel(_ model: String) -> String {
        guard let at = model.firstIndex(of: "@") else { return model }
        return String(model[..<at]) + "@" + short(String(model[model.index(after: at)...]))
    }
}
