import Foundation
import PostgresNIO

extension Ledger {
    /// The channel a recorded approval or rejection is announced on (`NOTIFY`, in the same
    /// transaction), with the promotion's id as the payload.
    public static let gateChannel = "slipway_gates"

    /// Runs `body` while this process listens on ``gateChannel``, on a connection of its own
    /// (not one of the pool's), closed at the end. Whatever `body` reads after it starts, a
    /// decision committed later is announced to its signal: nothing falls in between.
    public func listeningForGateDecisions<Result: Sendable>(
        promotionID: Int64, _ body: (GateDecisionSignal) async throws -> Result
    ) async throws -> Result {
        var connectionConfiguration = configuration.connectionConfiguration
        connectionConfiguration.options.connectTimeout = .seconds(10)
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: connectionConfiguration, id: Int.random(in: 1_000...Int(Int32.max)), logger: logger
            )
        } catch {
            throw LedgerError.wrap(error, doing: "cannot listen for gate decisions")
        }
        do {
            let result = try await connection.listen(on: Self.gateChannel) { notifications in
                try await body(GateDecisionSignal(promotionID: promotionID, notifications: notifications))
            }
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// Tells a waiting gate that a decision about its promotion was recorded.
public struct GateDecisionSignal: Sendable {
    let promotionID: Int64
    let notifications: PostgresNotificationSequence

    /// Waits until a decision about the promotion is announced (true) or `limit` passes
    /// (false). Call it once per listening scope.
    public func wait(upTo limit: Duration) async -> Bool {
        let payload = String(promotionID)
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { [notifications] in
                do {
                    for try await notification in notifications where notification.payload == payload { return true }
                } catch {}
                // The connection went away: wait out the time as if nothing came.
                try? await Task.sleep(for: limit)
                return false
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
