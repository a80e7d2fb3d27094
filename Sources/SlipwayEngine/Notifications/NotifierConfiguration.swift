import Foundation

/// Where notifications go and how hard they are tried: the webhooks (from `--notify` and
/// `$SLIPWAY_NOTIFY_URLS`), the retry policy, the queue's bound and how long shutdown waits.
public struct NotifierConfiguration: Sendable {
    /// The variable holding webhook URLs, comma-separated; preferred to `--notify`, since a
    /// URL is a secret and a command line is visible to every user of the machine.
    public static let environmentVariable = "SLIPWAY_NOTIFY_URLS"
    /// Variables whose values never appear in a notification, whatever a reason quotes.
    public static let secretVariables = [
        "SLIPWAY_GITHUB_WEBHOOK_SECRET", "SLIPWAY_GITLAB_WEBHOOK_TOKEN", "SLIPWAY_TOKEN", "DATABASE_URL", "PGPASSWORD",
    ]

    public var webhooks: [NotificationWebhook]
    public var retry: NotificationRetryPolicy
    /// Notifications waiting to be sent at most; when one more comes, the oldest is dropped
    /// (with a warning).
    public var queueLimit: Int
    /// How long shutdown waits for the queue to be sent before it gives up on the rest.
    public var drainTimeout: Duration
    /// Values taken out of every message (besides the webhook URLs).
    public var secrets: [String]

    public init(
        webhooks: [NotificationWebhook] = [], retry: NotificationRetryPolicy = NotificationRetryPolicy(), queueLimit: Int = 100,
        drainTimeout: Duration = .seconds(10), secrets: [String] = []
    ) {
        self.webhooks = webhooks
        self.retry = retry
        self.queueLimit = max(1, queueLimit)
        self.drainTimeout = drainTimeout
        self.secrets = secrets
    }

    /// The webhooks of `--notify` options and `$SLIPWAY_NOTIFY_URLS` in `environment` (each
    /// URL once), and the secret variables' values. A malformed URL is an error that says
    /// where it came from but does not repeat it.
    public static func resolve(flags: [String], environment: [String: String]) throws(NotifierConfigurationError) -> NotifierConfiguration {
        var webhooks: [NotificationWebhook] = []
        func add(_ text: String, from source: String) throws(NotifierConfigurationError) {
            guard let webhook = NotificationWebhook(text) else {
                throw NotifierConfigurationError("\(source) is not an http or https URL with a host")
            }
            if !webhooks.contains(webhook) { webhooks.append(webhook) }
        }
        for (index, flag) in flags.enumerated() {
            try add(flag, from: "--notify number \(index + 1)")
        }
        let listed = (environment[environmentVariable] ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        for (index, entry) in listed.enumerated() where !entry.isEmpty {
            try add(entry, from: "entry \(index + 1) of $\(environmentVariable)")
        }
        let secrets = secretVariables.compactMap { environment[$0] }.filter { !$0.isEmpty }
        return NotifierConfiguration(webhooks: webhooks, secrets: secrets)
    }
}

/// A `--notify` or `$SLIPWAY_NOTIFY_URLS` that cannot be used.
public struct NotifierConfigurationError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
