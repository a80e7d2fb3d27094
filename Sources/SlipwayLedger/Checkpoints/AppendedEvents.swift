import Synchronization

/// The span of events one transaction appended: the first seq, the last and its hash. Appends
/// in a transaction are contiguous (the append lock is held until commit), so a span says it all.
final class AppendedEvents: Sendable {
    struct Span: Sendable, Equatable {
        var firstSeq: Int64
        var lastSeq: Int64
        var headHash: String
    }

    private let state = Mutex<Span?>(nil)

    var span: Span? { state.withLock { $0 } }

    func record(_ event: LedgerEvent) {
        state.withLock { span in
            if span == nil {
                span = Span(firstSeq: event.seq, lastSeq: event.seq, headHash: event.hash)
            } else {
                span!.lastSeq = event.seq
                span!.headHash = event.hash
            }
        }
    }
}
