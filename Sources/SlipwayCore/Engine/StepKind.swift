/// The kinds of promotion steps Slipway knows. A kind names a step runner in the engine's
/// registry; its configuration travels as JSON in the ledger, so a step can be resumed by a
/// runner that did not plan it.
public enum StepKind: String, Sendable, CaseIterable, Codable {
    /// Waits for the previous stage, a soak time, approvals and freeze windows.
    case gate
    /// Makes every Ollama endpoint of the environment hold the pipeline's model, and preloads it.
    case model
    /// Starts the new release in the idle slot, not yet taking traffic.
    case deploy
    /// Runs a smoke check against the new release directly (`preview`) or through the environment (`live`).
    case smoke
    /// Asks the new release and the running one the drift check's prompts and compares the answers.
    case drift
    /// Moves all traffic to the new release (blue/green).
    case switchTraffic = "switch"
    /// Gives the canary a share of traffic.
    case setWeight
    /// Waits a fixed time, or until `slipway promote` when no duration is set.
    case pause
    /// Compares the canary's metrics with the analysis template's thresholds.
    case analysis
    /// Makes the canary the stable release (all traffic to it).
    case finalize
    /// Drains and stops the previous release after a delay.
    case retire
}
