import Synchronization

/// The span of events one transaction appended: the first seq, the last and its hash. Appends
/// in a transaction are contiguous (the append lock is held until commit), so a span says it all;
/// an append that is not (someone committed an event in between without the lock) is refused, so
/// the checkpoint signed for the span never covers an event this transaction did not write.
final class AppendedEvents: Sendable {
    struct Span: Sendable, Equatable {
        var firstSeq: Int64
        var lastSeq: Int64
        var headHash: String
    }

    private let state = Mutex<Span?>(nil)

    var span: Span? { state.withLock { $0 } }

    /// Adds `event`, just appended, to the span.
    ///
    /// - Throws: `LedgerError` `.conflict` when `event` does not follow the previous append
    ///   directly (the transaction must then roll back, signing nothing).
    func record(_ event: LedgerEvent) throws {
        try state.withLock { (span: inout Span?) throws(LedgerError) in
            guard let current = span else {
                span = Span(firstSeq: event.seq, lastSeq: event.seq, headHash: event.hash)
                return
            }
            guard event.seq == current.lastSeq + 1 else {
                let foreign = current.lastSeq + 1 == event.seq - 1 ? "event \(current.lastSeq + 1) was" : "events \(current.lastSeq + 1)–\(event.seq - 1) were"
                throw LedgerError(
                    .conflict,
                    "\(foreign) committed to the chain between this transaction's events \(current.lastSeq) and \(event.seq) without the append lock, so not by Slipway (e.g. by SQL); nothing of this transaction is kept and no checkpoint signs them; run `slipway audit verify` and try again"
                )
            }
            span = Span(firstSeq: current.firstSeq, lastSeq: event.seq, headHash: event.hash)
        }
    }
}
