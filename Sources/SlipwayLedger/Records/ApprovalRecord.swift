import Foundation
import PostgresNIO
import SlipwayCore
import SlipwaySystem

/// An approval or rejection as the ledger holds it: who decided (with the groups their token
/// named), about which exact release, when, why, and with which token.
public struct ApprovalRecord: Sendable, Equatable, Codable {
    public var id: Int64
    public var promotionID: Int64
    public var user: String
    public var groups: [String]
    public var verdict: GateDecision.Verdict
    public var comment: String?
    public var release: ReleaseBinding
    /// `sha256:` of the release's canonical JSON.
    public var releaseDigest: String
    public var createdAt: Date
    /// When an approval stops counting under the policy in force when it was given.
    public var expiresAt: Date?
    public var breakGlass: Bool
    /// Why glass was broken.
    public var reason: String?
    public var tokenID: Int64?
    /// The identity provider and the person's id there, when a verified JWT made the decision.
    public var issuer: String?
    public var subject: String?
    /// The verified email of an outside identity.
    public var email: String?

    static let columns = """
        a.id, a.promotion_id, a.approver, a.approver_groups, a.decision, a.comment, a.release::text, a.release_digest, \
        a.created_at, a.expires_at, a.break_glass, a.reason, a.token_id, a.issuer, a.subject, a.email
        """

    init(row: PostgresRow) throws {
        let (id, promotion, user, groups, decision, comment, release, digest, created, expires, breakGlass, reason, token, issuer, subject, email) = try row.decode(
            (Int64, Int64, String, [String], String, String?, String, String, Date, Date?, Bool, String?, Int64?, String?, String?, String?).self
        )
        self.id = id
        self.promotionID = promotion
        self.user = user
        self.groups = groups
        self.verdict = GateDecision.Verdict(rawValue: decision) ?? .rejected
        self.comment = comment
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(release.utf8))
        self.release = ReleaseBinding(json: json) ?? ReleaseBinding(commitSHA: "")
        self.releaseDigest = digest
        self.createdAt = created
        self.expiresAt = expires
        self.breakGlass = breakGlass
        self.reason = reason
        self.tokenID = token
        self.issuer = issuer
        self.subject = subject
        self.email = email
    }

    /// The decision as a gate weighs it.
    public var decision: GateDecision {
        GateDecision(
            user: user, groups: Set(groups), verdict: verdict, comment: comment, release: release, at: createdAt,
            breakGlassReason: breakGlass ? (reason ?? "") : nil, email: email
        )
    }
}

extension ReleaseBinding {
    /// `sha256:` of the binding's canonical JSON (sorted keys), as approvals record it.
    public var digest: String {
        FileDigest.sha256(of: Data(EventChain.canonicalJSON(json).utf8))
    }
}

extension LedgerTransaction {
    /// Every decision recorded for a promotion, oldest first.
    public func approvals(promotionID: Int64) async throws -> [ApprovalRecord] {
        var records: [ApprovalRecord] = []
        for try await row in try await query("""
            SELECT \(unescaped: ApprovalRecord.columns) FROM approvals a WHERE a.promotion_id = \(promotionID) ORDER BY a.id
            """) {
            records.append(try ApprovalRecord(row: row))
        }
        return records
    }
}
