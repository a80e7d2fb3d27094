import Crypto
import Foundation

/// The web pages' sessions, in this server's memory: each under the SHA-256 of its id (the
/// id itself is only in the browser's cookie), with the caller it was signed in as and when it
/// ends — the credential's expiry, at most ``WebSession/lifetime`` after sign-in. A restart
/// signs everyone out. At most ``capacity`` sessions; the one ending soonest goes first.
actor WebSessionStore {
    struct Session: Sendable {
        var caller: APICaller
        var expiresAt: Date
    }

    private var sessions: [Data: (hash: Data, session: Session)] = [:]
    static let capacity = 10_000

    /// Starts a session for `caller` and returns its id (for the cookie), when it ends, and
    /// that in seconds from now (the cookie's Max-Age).
    func start(_ caller: APICaller, now: Date = Date()) -> (id: String, expiresAt: Date, maxAge: Int) {
        prune(now: now)
        if sessions.count >= Self.capacity, let first = sessions.min(by: { $0.value.session.expiresAt < $1.value.session.expiresAt }) {
            sessions[first.key] = nil
        }
        var expiresAt = now.addingTimeInterval(WebSession.lifetime)
        if let credential = caller.credentialExpiresAt, credential < expiresAt { expiresAt = credential }
        let id = WebSession.randomValue()
        let hash = Self.hash(id)
        sessions[hash] = (hash, Session(caller: caller, expiresAt: expiresAt))
        return (id, expiresAt, Int(expiresAt.timeIntervalSince(now).rounded(.down)))
    }

    /// The live session `id` names, or nil (unknown, ended, expired).
    func session(id: String, now: Date = Date()) -> Session? {
        guard WebSession.isWellFormed(id) else { return nil }
        let hash = Self.hash(id)
        // Looked up by hash, so the lookup's timing says nothing useful about the id; what comes
        // back is compared in constant time all the same.
        guard let entry = sessions[hash], WebSession.constantTimeEqual(entry.hash, hash) else { return nil }
        guard entry.session.expiresAt > now else {
            sessions[hash] = nil
            return nil
        }
        return entry.session
    }

    /// Ends session `id` (sign-out, or its credential was revoked).
    func end(id: String) {
        sessions[Self.hash(id)] = nil
    }

    var count: Int { sessions.count }

    private func prune(now: Date) {
        sessions = sessions.filter { $0.value.session.expiresAt > now }
    }

    static func hash(_ id: String) -> Data {
        Data(SHA256.hash(data: Data(id.utf8)))
    }
}
