import Foundation
import SlipwayCore

/// The body of `POST /api/v1/promotions/{id}/approvals`, named after `slipway approve`'s and
/// `slipway reject`'s flags:
///
/// ```json
/// {"verdict": "approve", "comment": "canary looks fine"}
/// {"verdict": "reject", "comment": "the error budget is spent"}
/// {"verdict": "approve", "breakGlassReason": "CVE-2026-1234 fix"}
/// ```
///
/// `verdict` is `approve` or `reject`; `comment` is `--comment` (a rejection needs one);
/// `breakGlassReason` is `--break-glass --reason` (approvals only). Who decides is the token's
/// person, never a field of the body.
public struct GateDecisionBody: Codable, Sendable, Equatable {
    public enum Verdict: String, Codable, Sendable, CaseIterable {
        case approve, reject

        public var decision: GateDecision.Verdict {
            switch self {
            case .approve: return .approved
            case .reject: return .rejected
            }
        }
    }

    public var verdict: Verdict
    public var comment: String?
    public var breakGlassReason: String?

    public init(verdict: Verdict, comment: String? = nil, breakGlassReason: String? = nil) {
        self.verdict = verdict
        self.comment = comment
        self.breakGlassReason = breakGlassReason
    }

    /// The longest comment or reason taken (the ledger keeps them forever).
    public static let maxTextLength = 4000

    static let fields = ["verdict", "comment", "breakGlassReason"]

    /// Why a body that is well-formed JSON cannot be a decision, or the decision it is. The
    /// checks are those the CLI makes before it asks the ledger: a known verdict, a comment on a
    /// rejection, a reason only with an approval, nothing unknown.
    static func validate(_ json: JSONValue) -> Result<GateDecisionBody, BodyMistake> {
        guard case .object(let object) = json else {
            return .failure(BodyMistake("the body must be a JSON object such as {\"verdict\": \"approve\", \"comment\": \"…\"}"))
        }
        if let unknown = object.keys.sorted().first(where: { !fields.contains($0) }) {
            return .failure(BodyMistake("unknown field \"\(unknown)\"; the fields are \(fields.joined(separator: ", "))"))
        }
        guard let verdictValue = object["verdict"] else {
            return .failure(BodyMistake("\"verdict\" is missing: \"approve\" or \"reject\""))
        }
        guard case .string(let verdictText) = verdictValue, let verdict = Verdict(rawValue: verdictText) else {
            return .failure(BodyMistake("\"verdict\" must be \"approve\" or \"reject\", found \(Self.describe(verdictValue))"))
        }
        func text(_ name: String) -> Result<String?, BodyMistake> {
            switch object[name] {
            case nil, .null?: return .success(nil)
            case .string(let value)?:
                if value.count > maxTextLength { return .failure(BodyMistake("\"\(name)\" is longer than \(maxTextLength) characters")) }
                return .success(value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : value)
            case let other?:
                return .failure(BodyMistake("\"\(name)\" must be a string, found \(Self.describe(other))"))
            }
        }
        let comment: String?, reason: String?
        switch (text("comment"), text("breakGlassReason")) {
        case (.failure(let mistake), _), (_, .failure(let mistake)): return .failure(mistake)
        case (.success(let c), .success(let r)): (comment, reason) = (c, r)
        }
        if object["breakGlassReason"] != nil, object["breakGlassReason"] != .null, reason == nil {
            return .failure(BodyMistake("\"breakGlassReason\" must say why the release cannot wait for the freeze to end"))
        }
        switch verdict {
        case .reject:
            if comment == nil { return .failure(BodyMistake("a rejection needs a \"comment\" saying why")) }
            if reason != nil { return .failure(BodyMistake("\"breakGlassReason\" goes with \"verdict\": \"approve\"; break glass is for approving during a freeze window")) }
        case .approve:
            break
        }
        return .success(GateDecisionBody(verdict: verdict, comment: comment, breakGlassReason: reason))
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return "\"\(text.prefix(40))\""
        case .number(let number): return "the number \(number)"
        case .bool(let flag): return "\(flag)"
        case .null: return "null"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// What is wrong with a body, said to whoever sent it.
    struct BodyMistake: Error, Sendable {
        var message: String
        init(_ message: String) { self.message = message }
    }
}
