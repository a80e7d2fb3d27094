/// What one attempt at a promotion step came to. Every step kind answers with one of these, so
/// the engine drives all kinds the same way (and later kinds need no change to the engine).
public enum StepOutcome: Sendable, Equatable {
    /// The step is finished; `evidence` (JSON) is kept in the ledger.
    case done(evidence: JSONValue)
    /// The step is under way (a timed pause, an analysis between samples, a gate not yet open);
    /// run it again after `retryAfter`.
    case running(retryAfter: Duration, note: String)
    /// This attempt failed in a way that may pass when tried again (an endpoint briefly down).
    case failedRetryable(reason: String)
    /// The step failed for good; the promotion rolls back.
    case failedTerminal(reason: String, evidence: JSONValue)
}
