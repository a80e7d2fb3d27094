import Foundation

/// The environment an image builder inherits from Slipway (it runs outside the build sandbox:
/// buildah needs namespaces and storage of its own): Slipway's own, without Slipway's variables.
/// The commit's code has no business with the ledger's password, the API token, the webhook
/// secrets or the registry's credentials (an image step gets those in a file of its own).
/// Build steps and scanners get an allow-listed environment instead (``StepEnvironment``).
public enum ChildEnvironment {
    /// Variables never passed on besides every `SLIPWAY_*` one: the ledger's URL (with its password).
    public static let secretNames: Set<String> = ["DATABASE_URL"]

    /// `environment` without `DATABASE_URL` and every `SLIPWAY_*` variable.
    public static func inherited(from environment: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        environment.filter { !secretNames.contains($0.key) && !$0.key.hasPrefix("SLIPWAY_") }
    }
}
