/// The HAProxy configuration of one local environment: a frontend on the environment's port, a
/// backend with one server per slot colour, a stats/Prometheus listener, and the admin socket
/// through which Slipway moves traffic.
///
/// Servers start in maintenance with weight 0 at a placeholder address; Slipway points a server
/// at a slot (`set server … addr … port …`), readies it and gives it weight through the runtime
/// API, so moving traffic never needs a reload. Health checks call ModelServe's `/ready`.
public struct HAProxyConfiguration: Sendable, Equatable {
    /// The environment's name (a comment and the proxies' names).
    public var environment: String
    /// Where users reach the environment.
    public var listenPort: Int
    /// HAProxy's stats page (`/stats`) and Prometheus exporter (`/metrics`).
    public var statsPort: Int
    /// The admin socket of the runtime API.
    public var socketPath: String
    public var pidFile: String
    /// Servers, one per slot colour.
    public var servers: [String] = SlotColour.allCases.map(\.rawValue)
    /// The backend's name.
    public var backend = "modelserve"
    public var healthCheckPath = "/ready"
    public var healthCheckInterval: Duration = .milliseconds(500)

    public init(environment: String, listenPort: Int, statsPort: Int, socketPath: String, pidFile: String) {
        self.environment = environment
        self.listenPort = listenPort
        self.statsPort = statsPort
        self.socketPath = socketPath
        self.pidFile = pidFile
    }

    /// The configuration file's text.
    public func render() -> String {
        let interval = "\(max(1, Int(healthCheckInterval.components.seconds * 1000 + healthCheckInterval.components.attoseconds / 1_000_000_000_000_000)))ms"
        var lines = [
            "# Written by Slipway for the environment \(environment). Slipway moves traffic through the",
            "# runtime API (\(socketPath)); edits here are overwritten on the next start.",
            "global",
            "    pidfile \(pidFile)",
            "    stats socket \(socketPath) mode 600 level admin",
            "    stats timeout 10s",
            "",
            "defaults",
            "    mode http",
            "    option httplog",
            "    timeout connect 2s",
            "    timeout client 5m",
            "    timeout server 5m",
            "    timeout http-request 30s",
            "    # A request that could not reach a slot is tried once more on another one.",
            "    option redispatch 1",
            "    retries 2",
            "    retry-on conn-failure empty-response 503",
            "",
            "frontend \(environment)",
            "    bind 127.0.0.1:\(listenPort)",
            "    default_backend \(backend)",
            "",
            "frontend \(environment)-stats",
            "    bind 127.0.0.1:\(statsPort)",
            "    http-request use-service prometheus-exporter if { path /metrics }",
            "    stats enable",
            "    stats uri /stats",
            "    stats refresh 5s",
            "",
            "backend \(backend)",
            "    balance roundrobin",
            "    option httpchk GET \(healthCheckPath)",
            "    http-check expect status 200",
            "    default-server inter \(interval) fastinter \(interval) downinter \(interval) rise 1 fall 2",
        ]
        for (index, server) in servers.enumerated() {
            // A placeholder address on a port nothing listens on; maintenance until a slot is assigned.
            lines.append("    server \(server) 127.0.0.1:\(1 + index) weight 0 check disabled")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
