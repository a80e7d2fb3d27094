import Foundation
import Logging
import ServiceLifecycle

/// Picks up changes to the keys file made while the server runs (`model-serve keys add|revoke`):
/// checks the file's modification time and size at an interval and reloads the store when either
/// changed. A file that cannot be parsed is logged and the previous keys stay in force.
public struct KeysFileWatcher: Service {
    let store: APIKeyStore
    let interval: Duration
    let logger: Logger

    public init(store: APIKeyStore, interval: Duration, logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var seen = signature()
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                let current = signature()
                guard current != seen else { continue }
                seen = current
                do {
                    if try store.reload() {
                        logger.info("keys file reloaded", metadata: ["keys": "\(store.list().count)"])
                    }
                } catch {
                    logger.error("keys file not reloaded; the previous keys stay in force", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Modification time (ns) and size, or nil when the file is missing.
    private func signature() -> [Int]? {
        var info = stat()
        guard stat(store.file.path, &info) == 0 else { return nil }
        return [Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec), Int(info.st_size), Int(info.st_ino)]
    }
}
