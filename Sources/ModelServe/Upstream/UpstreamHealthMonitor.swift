import Logging
import OllamaKit
import ServiceLifecycle

/// Checks every upstream Ollama (`GET /api/tags`) at an interval, recording whether it answers and
/// which models (with digests) it has. Runs as a service until graceful shutdown.
public struct UpstreamHealthMonitor: Service {
    let pool: UpstreamPool
    let interval: Duration
    let logger: Logger

    public init(pool: UpstreamPool, interval: Duration, logger: Logger) {
        self.pool = pool
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await checkAll()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Checks every endpoint once, concurrently.
    public func checkAll() async {
        let endpoints = pool.endpoints
        let timeout = min(interval, .seconds(2))
        await withTaskGroup(of: Void.self) { group in
            for (index, endpoint) in endpoints.enumerated() {
                group.addTask {
                    do {
                        let models = try await endpoint.client.listModels(timeout: timeout)
                        pool.recordCheck(index, models: models, error: nil)
                    } catch {
                        let message = (error as? OllamaError)?.message ?? "\(error)"
                        if endpoint.healthy || !endpoint.checked {
                            logger.warning("upstream health check failed", metadata: ["upstream": "\(endpoint.url)", "error": "\(message)"])
                        }
                        pool.recordCheck(index, models: nil, error: message)
                    }
                }
            }
        }
    }
}
