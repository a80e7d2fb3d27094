import Foundation
import SlipwayCore
import SlipwayLedger

/// Opens when the stage may start: the earlier stage succeeded with this release, its soak time
/// has passed, no freeze window holds (or someone allowed to broke glass) and enough people have
/// approved this exact release (``GateRequirements/evaluate(_:at:)``). A rejection fails it.
///
/// While people can still change the answer, each run listens for decisions (`LISTEN
/// slipway_gates`) for up to the source's ``GateSource/decisionWait`` and decides again the
/// moment one is recorded, so the gate moves as soon as the deciding approval is committed, not
/// at the next look; between runs the driver looks for a newer release that supersedes this one.
struct GateStep: PromotionStepRunner {
    static let kind = StepKind.gate

    struct Config: Decodable, Sendable {
        var after: String?
        var approval: Bool?
        var soakMs: Double?
    }

    func run(_ config: Config, context: StepContext) async -> StepOutcome {
        let soak = config.soakMs.map { Duration.milliseconds(Int64($0)) }
        guard let source = context.services.gate else {
            return withoutLedger(config, soak: soak, context: context)
        }
        // The runner's gate: the release's rules made stricter by the policy in effect. A source
        // without one (a driver under test) applies the plan's and the release's environment.
        let environment = source.environment
        let requirements = source.requirements ?? GateRequirements(
            afterStage: config.after, soak: soak, approvals: config.approval == true ? environment.approvals : nil,
            freeze: environment.freeze, breakGlass: environment.breakGlass
        )
        // The verdict, and the decisions the ledger holds that no event records (never weighed).
        // Once recorded (and bound to its event), the gate's requirements are the ones it applies:
        // a resumed runner decides by the rules approvers were refused or accepted under.
        let decide: @Sendable () async throws -> (GateVerdict, ignored: [String]) = {
            var facts = try await source.facts(context.promotionID, requirements)
            var applied = requirements
            if let recorded = try await source.recorded(context.promotionID), recorded != requirements {
                applied = recorded
                facts = try await source.facts(context.promotionID, recorded)
            }
            return (applied.evaluate(facts, at: context.now()), facts.unboundDecisions)
        }
        do {
            guard requirements.involvesPeople else {
                let (verdict, ignored) = try await decide()
                return outcome(verdict, config: config, retry: nil, ignored: ignored)
            }
            return try await source.listening(context.promotionID) { waitForDecision in
                let (first, ignored) = try await decide()
                guard case .waiting = first else { return outcome(first, config: config, retry: .zero, ignored: ignored) }
                let (verdict, stillIgnored) = await waitForDecision(source.decisionWait) ? try await decide() : (first, ignored)
                return outcome(verdict, config: config, retry: .zero, ignored: stillIgnored)
            }
        } catch is CancellationError {
            return .failedRetryable(reason: "stopped while reading the gate's facts")
        } catch {
            return .failedRetryable(reason: "cannot read what the gate decides on: \(error)")
        }
    }

    /// The step's answer to `verdict`. A waiting gate is tried again after `retry` (nil: when time
    /// alone would change the answer, or in a second); its note says what it waits for in words
    /// that stay the same until something changes.
    func outcome(_ verdict: GateVerdict, config: Config, retry: Duration?, ignored: [String] = []) -> StepOutcome {
        let ignoredNote = ignored.isEmpty ? nil : "ignored (no event in the chain records them): " + ignored.joined(separator: "; ")
        switch verdict {
        case .open(let opening):
            var evidence: [String: JSONValue] = [:]
            if !ignored.isEmpty { evidence["ignored"] = .array(ignored.map { .string($0) }) }
            if let after = config.after { evidence["after"] = .string(after) }
            if !opening.approvedBy.isEmpty { evidence["approvedBy"] = .array(opening.approvedBy.map { .string($0) }) }
            if let glass = opening.breakGlass {
                evidence["breakGlass"] = .object([
                    "by": .string(glass.user), "reason": .string(glass.reason), "windows": .array(glass.windows.map { .string($0) }),
                ])
            }
            return .done(evidence: .object(evidence))
        case .waiting(let waits, let recheckAfter):
            let note = (waits.map(\.lastingDescription) + [ignoredNote].compactMap { $0 }).joined(separator: " · ")
            return .running(retryAfter: retry ?? recheckAfter ?? .seconds(1), note: note)
        case .failed(let rejection):
            var evidence: [String: JSONValue] = ["rejectedBy": .string(rejection.user)]
            if let comment = rejection.comment { evidence["comment"] = .string(comment) }
            return .failedTerminal(reason: rejection.description, evidence: .object(evidence))
        }
    }

    /// A runner given no ledger (a driver under test): the soak counts from the gate's first
    /// start, and a gate that needs approval waits for `slipway promote`.
    func withoutLedger(_ config: Config, soak: Duration?, context: StepContext) -> StepOutcome {
        if let soak, context.elapsed < soak {
            return .running(retryAfter: soak - context.elapsed, note: "soaking after \(config.after ?? "the earlier stage")")
        }
        if config.approval == true {
            return .running(retryAfter: .seconds(1), note: "waiting for approval, which this runner reads from no ledger")
        }
        return .done(evidence: .object(config.after.map { ["after": .string($0)] } ?? [:]))
    }
}

/// Where a gate step gets what it decides on: the environment's rules (from the specs at the
/// release's commit), the facts in the ledger, and word of a decision as soon as it is recorded.
public struct GateSource: Sendable {
    public typealias Listening = @Sendable (
        _ promotionID: Int64, _ body: (_ waitForDecision: @Sendable (Duration) async -> Bool) async throws -> StepOutcome
    ) async throws -> StepOutcome

    public var environment: EnvironmentSpec
    /// What the gate applies, when the runner worked it out (the release's rules made stricter by
    /// the policy in effect: ``GateRequirements/effective(release:inEffect:predecessor:)``).
    public var requirements: GateRequirements?
    /// Records what the gate requires (once) and reads the facts it decides on.
    public var facts: @Sendable (_ promotionID: Int64, _ requirements: GateRequirements) async throws -> GateFacts
    /// Runs the body while listening for decisions about the promotion.
    public var listening: Listening
    /// The requirements the promotion's gate recorded the first time it ran (bound to their
    /// event), or nil before that or without a ledger.
    public var recorded: @Sendable (_ promotionID: Int64) async throws -> GateRequirements?
    /// How long one run of the gate listens for a decision before it hands back to the driver
    /// (which then looks for a newer release that supersedes this one). A decision heard ends
    /// the wait at once; this bounds only how often a quiet gate looks around.
    public var decisionWait: Duration

    public init(
        environment: EnvironmentSpec,
        requirements: GateRequirements? = nil,
        facts: @escaping @Sendable (_ promotionID: Int64, _ requirements: GateRequirements) async throws -> GateFacts,
        listening: @escaping Listening,
        recorded: @escaping @Sendable (_ promotionID: Int64) async throws -> GateRequirements? = { _ in nil },
        decisionWait: Duration = .seconds(1)
    ) {
        self.environment = environment
        self.requirements = requirements
        self.facts = facts
        self.listening = listening
        self.recorded = recorded
        self.decisionWait = decisionWait
    }

    /// Facts from `ledger`, decisions heard with `LISTEN slipway_gates`.
    public static func ledger(
        _ ledger: Ledger, environment: EnvironmentSpec, requirements: GateRequirements? = nil, actor: String,
        decisionWait: Duration = .seconds(1)
    ) -> GateSource {
        GateSource(
            environment: environment,
            requirements: requirements,
            facts: { promotionID, requirements in
                try await ledger.transaction { tx in
                    try await tx.recordGateRequirements(promotionID: promotionID, requirements, actor: actor)
                    return try await tx.gateFacts(promotionID: promotionID, requirements: requirements)
                }
            },
            listening: { promotionID, body in
                try await ledger.listeningForGateDecisions(promotionID: promotionID) { signal in
                    try await body { limit in await signal.wait(upTo: limit) }
                }
            },
            recorded: { promotionID in try await ledger.transaction { tx in try await tx.gateRequirements(promotionID: promotionID) } },
            decisionWait: decisionWait
        )
    }
}
