import Crypto
import Foundation
import PostgresNIO

extension Ledger {
    /// Runs `body` while holding a PostgreSQL session lock named `name`, so that two Slipway
    /// processes on the same database never do that work at once (two runners never promote to
    /// the same environment together). While another process holds the lock, `waiting` is called
    /// and the lock is tried again every `poll`.
    ///
    /// The lock belongs to a connection of its own (not one of the pool's), held for the whole of
    /// `body`: locks held for hours — a run waiting at a gate — never starve the pool the work
    /// itself needs. If the process dies, the connection closes and PostgreSQL releases the lock.
    public func withLock<Result: Sendable>(
        _ name: String, poll: Duration = .seconds(1), waiting: @Sendable () async -> Void = {},
        _ body: () async throws -> Result
    ) async throws -> Result {
        // `wait: true` only returns nil when it never got the lock, which it keeps trying for.
        guard let result = try await holdingLock(name, wait: true, poll: poll, waiting: waiting, body) else {
            throw LedgerError(.conflict, "the lock \(name) was not acquired")
        }
        return result
    }

    /// Runs `body` holding the lock `name` when no other process holds it; returns nil at once,
    /// without running `body`, when one does (periodic work that can skip a round).
    public func withLockIfFree<Result: Sendable>(_ name: String, _ body: () async throws -> Result) async throws -> Result? {
        try await holdingLock(name, wait: false, poll: .zero, waiting: {}, body)
    }

    private func holdingLock<Result: Sendable>(
        _ name: String, wait: Bool, poll: Duration, waiting: @Sendable () async -> Void, _ body: () async throws -> Result
    ) async throws -> Result? {
        let key = Self.lockKey(name)
        do {
            return try await withLockConnection { connection -> Result? in
                while true {
                    var acquired = false
                    for try await value in try await connection.query("SELECT pg_try_advisory_lock(\(key))", logger: logger)
                        .decode(Bool.self) {
                        acquired = value
                    }
                    if acquired { break }
                    if !wait { return nil }
                    await waiting()
                    try await Task.sleep(for: poll)
                }
                let result: Result
                do {
                    result = try await body()
                } catch {
                    _ = try? await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
                    throw BodyError(error: error)
                }
                try await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
                return result
            }
        } catch let error as BodyError {
            // The work's own error, as it was thrown (a failed build stays a BuildError).
            throw error.error
        } catch let error as LedgerError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw LedgerError.wrap(error, doing: "holding the lock \(name)")
        }
    }

    /// Whether another session holds the lock `name` now (a runner is working on it).
    public func isLockHeld(_ name: String) async throws -> Bool {
        let key = Self.lockKey(name)
        return try await withLockConnection { connection in
            var acquired = false
            for try await value in try await connection.query("SELECT pg_try_advisory_lock(\(key))", logger: logger).decode(Bool.self) {
                acquired = value
            }
            if acquired { try await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger) }
            return !acquired
        }
    }

    /// A connection of its own for a lock, closed at the end (which releases whatever it held).
    private func withLockConnection<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        var connectionConfiguration = configuration.connectionConfiguration
        connectionConfiguration.options.connectTimeout = .seconds(10)
        let connection = try await PostgresConnection.connect(
            configuration: connectionConfiguration, id: Int.random(in: 1_000...Int(Int32.max)), logger: logger
        )
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// A 64-bit advisory-lock key for `name` (the first 8 bytes of its SHA-256).
    static func lockKey(_ name: String) -> Int64 {
        let digest = Array(SHA256.hash(data: Data(("slipway-lock:" + name).utf8)))
        return digest.prefix(8).reduce(Int64(0)) { ($0 << 8) | Int64($1) }
    }
}

/// An error thrown by the work done under a lock, kept apart from the lock's own failures.
private struct BodyError: Error {
    var error: any Error
}
