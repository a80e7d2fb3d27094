import Foundation

/// The JSON body POSTed for one notification: Slack-compatible (`text`, and `blocks` for Block
/// Kit), with a `slipway` object carrying the same facts as fields for receivers that are not
/// Slack. Built from the trigger alone, with no I/O: what the ledger knows about the release
/// is passed in (nil when it could not be read).
///
/// The reason and what a gate waits for go through a ``SecretRedactor`` and are cut to
/// ``maxDetailLength`` characters; nothing else in a message comes from outside the ledger's
/// names and ids. Text meant for Slack escapes `&`, `<` and `>` (mrkdwn would read `<…>` as
/// a link); the `slipway` fields are as they are.
public struct NotificationMessage: Sendable, Equatable, Encodable {
    public static let maxDetailLength = 1000

    /// The structured part: one field per fact, absent when unknown.
    public struct Fields: Sendable, Equatable, Codable {
        public var event: String
        public var pipeline: String?
        public var environment: String
        public var promotion: Int64
        public var release: String?
        public var commit: String?
        public var reason: String?
        public var url: String?
    }

    public var text: String
    public var blocks: [Block]
    public var slipway: Fields

    public init(
        _ trigger: NotificationTrigger, release: NotifiedRelease?, link: String? = nil, redactor: SecretRedactor = SecretRedactor()
    ) {
        let detail = trigger.detail.map { Self.shortened(redactor.redact($0)) }.flatMap { $0.isEmpty ? nil : $0 }
        let what = release?.release ?? "promotion \(trigger.promotionID)"
        let environment = trigger.environment
        let headline: String
        switch trigger.event {
        case .gateWaiting: headline = "\(what) is waiting at the gate of \(environment)"
        case .promotionSucceeded: headline = "\(what) succeeded in \(environment)"
        case .promotionFailed: headline = "\(what) failed in \(environment)"
        case .promotionRolledBack: headline = "\(what) was rolled back in \(environment)"
        }
        var facts: [String] = []
        if let release { facts.append("pipeline \(release.pipeline)") }
        facts.append("promotion \(trigger.promotionID)")
        if let release { facts.append("commit \(String(release.commit.prefix(12)))") }
        let label = trigger.event == .gateWaiting ? "waiting for" : "reason"

        text = "\(headline) (\(facts.joined(separator: ", ")))" + (detail.map { " — \(label): \($0)" } ?? "")
        text = Self.escaped(text)
        var blocks: [Block] = [.section(markdown: "*\(Self.escaped(headline))*" + (detail.map { "\n\(label): \(Self.escaped($0))" } ?? ""))]
        blocks.append(.context(markdown: Self.escaped(facts.joined(separator: " · "))
            + (link.map { " · <\($0)|details>" } ?? "")))
        self.blocks = blocks
        slipway = Fields(
            event: trigger.event.rawValue, pipeline: release?.pipeline, environment: environment, promotion: trigger.promotionID,
            release: release?.release, commit: release?.commit, reason: detail, url: link
        )
    }

    /// The body to POST.
    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings, numbers and arrays of them: encoding cannot fail.
        return (try? encoder.encode(self)) ?? Data(#"{"text":""}"#.utf8)
    }

    /// One Slack Block Kit block: a section, or a context line, each with mrkdwn text.
    public enum Block: Sendable, Equatable, Encodable {
        case section(markdown: String)
        case context(markdown: String)

        struct Text: Encodable {
            var type = "mrkdwn"
            var text: String
        }

        enum Keys: String, CodingKey { case type, text, elements }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            switch self {
            case .section(let markdown):
                try container.encode("section", forKey: .type)
                try container.encode(Text(text: markdown), forKey: .text)
            case .context(let markdown):
                try container.encode("context", forKey: .type)
                try container.encode([Text(text: markdown)], forKey: .elements)
            }
        }
    }

    /// `text` with the three characters Slack wants escaped, escaped.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    static func shortened(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count > maxDetailLength else { return trimmed }
        return String(trimmed.prefix(maxDetailLength - 1)) + "…"
    }
}
