import Hummingbird
import Logging
import NIOCore
import SlipwayLedger

/// `GET /healthz`, `GET /metrics` and `GET /openapi.json`: open to anyone who can reach the server.
struct OperationsRoutes: RouteGroup {
    let ledger: Ledger
    let metrics: ServerMetrics
    /// How long `/healthz` waits for the database.
    let healthTimeout: Duration
    /// The whole API's description, built from every group when the server starts.
    var openAPIDocument = "{}"

    func register(on router: Router<ServerContext>) {
        router.get("/healthz") { _, _ in await health() }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition()))
            )
        }
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: openAPIDocument))
            )
        }
    }

    struct Health: Encodable {
        var status: String
        var database: String
        var schemaVersion: Int?
    }

    /// 200 when the database answers within ``healthTimeout`` (with its schema version), 503 otherwise.
    func health() async -> Response {
        let timeout = healthTimeout
        let answer: Result<Int, HealthFailure> = await withTaskGroup(of: Result<Int, HealthFailure>.self) { [ledger] group in
            group.addTask {
                do {
                    return .success(try await ledger.schemaVersion())
                } catch let error as LedgerError {
                    return .failure(HealthFailure(reason: "the database does not answer (\(error.code))"))
                } catch {
                    return .failure(HealthFailure(reason: "the database does not answer"))
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return .failure(HealthFailure(reason: "the database did not answer within \(timeout)"))
            }
            let first = await group.next() ?? .failure(HealthFailure(reason: "no answer"))
            group.cancelAll()
            return first
        }
        switch answer {
        case .success(let version):
            return JSONAnswer.response(Health(status: "ok", database: "reachable", schemaVersion: version))
        case .failure(let failure):
            return JSONAnswer.response(Health(status: "unavailable", database: failure.reason), status: .serviceUnavailable)
        }
    }

    struct HealthFailure: Error {
        var reason: String
    }
}
