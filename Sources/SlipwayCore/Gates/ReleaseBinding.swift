/// The exact release a decision is about: the commit, the digest of every artifact its run
/// built, and the digest of the model it serves. An approval counts only for the release it
/// names, so a newer release (or the same commit built into other bytes) needs approvals of its own.
public struct ReleaseBinding: Sendable, Hashable, Codable {
    public var commitSHA: String
    /// Artifact name → `sha256:…` digest, as the ledger recorded them for the run.
    public var artifacts: [String: String]
    /// The model's digest as the model step recorded it; nil when the pipeline serves no model
    /// or no stage has rolled it out yet.
    public var modelDigest: String?

    enum CodingKeys: String, CodingKey {
        case commitSHA = "commit", artifacts, modelDigest = "model"
    }

    public init(commitSHA: String, artifacts: [String: String] = [:], modelDigest: String? = nil) {
        self.commitSHA = commitSHA
        self.artifacts = artifacts
        self.modelDigest = modelDigest
    }

    /// The binding as JSON (`commit`, `artifacts`, `model`); the ledger keeps it beside the
    /// SHA-256 of its canonical text.
    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "commit": .string(commitSHA),
            "artifacts": .object(artifacts.mapValues { .string($0) }),
        ]
        fields["model"] = modelDigest.map { .string($0) } ?? .null
        return .object(fields)
    }

    /// Reads what ``json`` wrote; nil for anything else.
    public init?(json: JSONValue) {
        guard case .string(let commit)? = json["commit"], case .object(let fields)? = json["artifacts"] else { return nil }
        var artifacts: [String: String] = [:]
        for (name, value) in fields {
            guard case .string(let digest) = value else { return nil }
            artifacts[name] = digest
        }
        var model: String?
        switch json["model"] {
        case .string(let digest)?: model = digest
        case .null?, nil: model = nil
        default: return nil
        }
        self.init(commitSHA: commit, artifacts: artifacts, modelDigest: model)
    }

    /// One line for people: `commit 1a2b3c4d5e6f, model-serve sha256:9f86d081884c…, model sha256:…`.
    public var summary: String {
        var parts = ["commit \(commitSHA.prefix(12))"]
        parts += artifacts.keys.sorted().map { "\($0) \(Self.short(artifacts[$0]!))" }
        parts.append("model " + (modelDigest.map(Self.short) ?? "none"))
        return parts.joined(separator: ", ")
    }

    static func short(_ digest: String) -> String {
        let hex = digest.hasPrefix("sha256:") ? String(digest.dropFirst(7)) : digest
        return (digest.hasPrefix("sha256:") ? "sha256:" : "") + String(hex.prefix(12))
    }
}
