import SlipwaySystem

/// The environment a build step's command or a scanner gets: built from an allow-list, never
/// from Slipway's own environment (which holds its database URL, API token, webhook secrets and
/// notification URLs):
///
/// - PATH, the locale and TZ of the runner (``MinimalEnvironment``);
/// - HOME: a private directory (`/tmp/home` inside the sandbox);
/// - the step's `env:`;
/// - the secrets the step names in `secrets:`, from the runner's secrets file;
/// - `SLIPWAY_RUN_ID` and `SLIPWAY_COMMIT`.
enum StepEnvironment {
    static func make(
        runner: [String: String], home: String, env: [String: String] = [:], secrets: [String: String] = [:],
        runID: Int64? = nil, commit: String? = nil
    ) -> [String: String] {
        var environment = MinimalEnvironment.of(runner)
        environment["HOME"] = home
        environment.merge(env) { _, new in new }
        environment.merge(secrets) { _, new in new }
        if let runID { environment["SLIPWAY_RUN_ID"] = String(runID) }
        if let commit { environment["SLIPWAY_COMMIT"] = commit }
        return environment
    }
}
