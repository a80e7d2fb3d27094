/// How to start ModelServe for one release in a slot: the executable (kept under the release's
/// directory) and its arguments, to which the slot adds `--port 0`.
public struct SlotLaunch: Sendable, Equatable, Codable {
    public var releaseID: String
    public var executable: String
    public var arguments: [String]
    /// Variables the slot's process gets on top of PATH and the locale (``MinimalEnvironment``),
    /// e.g. `MODELSERVE_*`; nothing else of Slipway's environment reaches it.
    public var environment: [String: String]

    public init(releaseID: String, executable: String, arguments: [String], environment: [String: String] = [:]) {
        self.releaseID = releaseID
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
    }
}
