/// Counts of what the simulator served, for tests that must see the upstream side: whether a
/// client's cancellation really stopped a stream. Served at `GET /sim/stats` (not an Ollama route).
actor SimStatistics {
    /// The body of `GET /sim/stats`.
    struct Snapshot: Sendable, Codable {
        /// Generate, chat and embed requests received.
        var requests: Int
        /// NDJSON streams being written now.
        var activeStreams: Int
        /// Streams written to their last line.
        var completedStreams: Int
        /// Streams stopped before their last line because the client went away.
        var abortedStreams: Int
    }

    private var snapshot = Snapshot(requests: 0, activeStreams: 0, completedStreams: 0, abortedStreams: 0)

    func requestReceived() { snapshot.requests += 1 }

    func streamStarted() { snapshot.activeStreams += 1 }

    func streamEnded(completed: Bool) {
        snapshot.activeStreams -= 1
        if completed { snapshot.completedStreams += 1 } else { snapshot.abortedStreams += 1 }
    }

    func current() -> Snapshot { snapshot }
}
