import Hummingbird
import Logging

/// Around every request: errors answered as JSON, one access-log line and the request metrics.
/// The log line has the method, the route's pattern, the status and the latency; never a
/// header (GitLab's token travels in one) or a body.
struct ServerMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    let metrics: ServerMetrics
    let logger: Logger

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let problem = APIProblem.from(error)
            if problem.status == .internalServerError {
                logger.error("request failed", metadata: ["method": "\(request.method.rawValue)", "error": "\(error)"])
            }
            response = problem.response
        }
        let elapsed = ContinuousClock.now - start
        let route = context.endpointPath ?? "unmatched"
        metrics.recordRequest(route: route, status: response.status.code, duration: elapsed)
        logger.debug("request", metadata: [
            "method": "\(request.method.rawValue)", "route": "\(route)", "status": "\(response.status.code)",
            "latency_ms": "\(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)",
        ])
        return response
    }
}
