import Foundation

/// The environment a build step or a scanner inherits from Slipway: Slipway's own, without its
/// secrets. A build step runs the commit's code; it has no business with the ledger's password
/// or the registry's credentials (an image step gets those in a file of its own).
public enum ChildEnvironment {
    /// Variables never passed on: the ledger's URL (with its password), registry credentials,
    /// webhook secrets and API tokens.
    public static let secretNames: Set<String> = [
        "DATABASE_URL", "SLIPWAY_REGISTRY_USERNAME", "SLIPWAY_REGISTRY_PASSWORD", "SLIPWAY_REGISTRY_AUTH_FILE",
        "SLIPWAY_GITHUB_WEBHOOK_SECRET", "SLIPWAY_GITLAB_WEBHOOK_TOKEN", "SLIPWAY_TOKEN",
    ]

    public static func inherited(from environment: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        environment.filter { !secretNames.contains($0.key) }
    }
}
