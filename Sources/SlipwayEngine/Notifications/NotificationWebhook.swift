import Foundation

/// One URL notifications are POSTed to. The URL is a secret (a Slack webhook's path is its
/// key): its description, and so every log line that interpolates it, is its host only.
public struct NotificationWebhook: Sendable, Hashable, CustomStringConvertible {
    /// The whole URL: only for the request itself.
    public let url: String
    public let host: String

    /// Nil unless `text` is an http or https URL with a host.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: trimmed),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty
        else { return nil }
        url = trimmed
        self.host = host
    }

    public var description: String { host }
}
