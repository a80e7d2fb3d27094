/// What an analysis measures: a release, and where the environment's proxy has it (HAProxy's
/// backend and server) for the `haproxy_*` queries.
public struct AnalysisSubject: Sendable, Hashable, Codable {
    public var release: String
    /// The proxy's backend (`proxy` label); nil where no proxy metrics are read.
    public var proxy: String?
    /// The release's server in that backend (`server` label).
    public var server: String?

    public init(release: String, proxy: String? = nil, server: String? = nil) {
        self.release = release
        self.proxy = proxy
        self.server = server
    }
}
