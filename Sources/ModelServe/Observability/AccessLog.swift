import HTTPTypes
import Logging

/// What is kept of every answered request: the request metrics, and one access-log line at info
/// level with request id, method, route, status, latency and the key's public id — never a
/// prompt or a key.
struct AccessLog: Sendable {
    let metrics: ServeMetrics
    let logger: Logger

    func record(
        requestID: String, method: HTTPRequest.Method, route: String, status: Int, keyID: String?,
        since start: ContinuousClock.Instant
    ) {
        let elapsed = ContinuousClock.now - start
        metrics.recordRequest(route: route, status: status, duration: elapsed)
        guard logger.logLevel <= .info else { return }
        var metadata: Logger.Metadata = [
            "request_id": .string(requestID), "method": .string(method.rawValue), "route": .string(route),
            "status": .stringConvertible(status), "latency_ms": .string(Self.milliseconds(elapsed)),
        ]
        if let keyID { metadata["key_id"] = .string(keyID) }
        logger.info("request", metadata: metadata)
    }

    /// Whole microseconds as milliseconds with three decimals (`"12.345"`).
    static func milliseconds(_ duration: Duration) -> String {
        let micros = max(0, duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000)
        let fraction = String(micros % 1000)
        return String(micros / 1000) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
