import Foundation

/// The few variables of Slipway's environment a child it starts may see: where programs are
/// (PATH), the locale and the time zone. Never Slipway's own settings and secrets (its database
/// URL, API token, webhook secrets, notification URLs): a server or a build step gets those only
/// if a caller adds them on purpose.
public enum MinimalEnvironment {
    /// The names passed on.
    public static let names: Set<String> = ["PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ"]

    /// The PATH when Slipway has none.
    public static let defaultSearchPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// The allowed variables of `environment` (Slipway's own by default), with a PATH always.
    public static func of(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var minimal = environment.filter { names.contains($0.key) }
        if minimal["PATH"] == nil { minimal["PATH"] = defaultSearchPath }
        return minimal
    }
}
