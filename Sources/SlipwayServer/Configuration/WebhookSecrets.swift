import Foundation

/// The shared secrets webhook senders prove themselves with, read from the environment only
/// (never from flags, which other users of the machine can read in the process list). Printing
/// a value of this type never shows a secret.
public struct WebhookSecrets: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The environment variable holding GitHub's webhook secret (the HMAC key of `X-Hub-Signature-256`).
    public static let githubVariable = "SLIPWAY_GITHUB_WEBHOOK_SECRET"
    /// The environment variable holding GitLab's secret token (sent as `X-Gitlab-Token`).
    public static let gitlabVariable = "SLIPWAY_GITLAB_WEBHOOK_TOKEN"

    /// GitHub's secret; `/hooks/github` answers 404 without one.
    public var github: String?
    /// GitLab's token; `/hooks/gitlab` answers 404 without one.
    public var gitlab: String?

    public init(github: String? = nil, gitlab: String? = nil) {
        self.github = github.flatMap { $0.isEmpty ? nil : $0 }
        self.gitlab = gitlab.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The secrets in `environment` (the process's by default). Empty values count as unset.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> WebhookSecrets {
        WebhookSecrets(github: environment[githubVariable], gitlab: environment[gitlabVariable])
    }

    public var description: String {
        "github: \(github == nil ? "not set" : "set"), gitlab: \(gitlab == nil ? "not set" : "set")"
    }

    public var debugDescription: String { "WebhookSecrets(\(description))" }

    /// `dump` and the default printing of a struct holding this one show whether each secret is set, never its value.
    public var customMirror: Mirror {
        Mirror(self, children: ["github": github == nil ? "not set" : "set", "gitlab": gitlab == nil ? "not set" : "set"])
    }
}
