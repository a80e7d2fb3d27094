import Foundation
import Logging
import SlipwayCore
import SlipwayLedger

/// Drives one promotion through its steps, writing every transition to the ledger before its
/// effect starts, so a driver killed at any moment can be started again on the same promotion:
/// it plans nothing twice, skips finished steps, repeats the step that was under way (runners
/// are idempotent), and ends with the promotion succeeded, or rolled back with the cause.
public struct PromotionDriver: Sendable {
    public let ledger: Ledger
    public let registry: StepRegistry
    public let target: any ReleaseTarget
    public let actor: String
    /// How many attempts a step that fails retryably gets before the promotion gives up.
    public var maxAttempts = 3
    public var now: @Sendable () -> Date
    public var sleep: @Sendable (Duration) async throws -> Void
    /// Told about every step that starts, waits or ends (the CLI's progress lines).
    public var progress: @Sendable (PromotionProgress) -> Void
    /// Asked before the promotion starts and, while its gate holds it, every ``gatePoll``:
    /// the reason it is superseded (a newer release waits for the same environment), or nil.
    /// A superseded promotion ends without moving any traffic.
    public var supersededBy: @Sendable (PromotionRecord) async throws -> String? = { _ in nil }
    /// How often a waiting gate looks for a newer release (and for `slipway promote`).
    public var gatePoll: Duration = .seconds(1)
    /// How often a pause looks whether it was ended or aborted by someone else.
    public var pausePoll: Duration = .seconds(5)
    let logger: Logger

    public init(
        ledger: Ledger, registry: StepRegistry, target: any ReleaseTarget, actor: String, logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        progress: @escaping @Sendable (PromotionProgress) -> Void = { _ in }
    ) {
        self.ledger = ledger
        self.registry = registry
        self.target = target
        self.actor = actor
        self.logger = logger
        self.now = now
        self.sleep = sleep
        self.progress = progress
    }

    /// Plans (once) and runs the promotion's steps; returns how it ended.
    ///
    /// With `stoppingAfterGate`, only a leading gate is run (the part of a promotion that waits,
    /// and that a runner does without holding the environment): it returns `waiting` once the
    /// gate has opened — or at once, when there is no gate left to pass — and a finished status
    /// when the promotion was superseded or its gate failed.
    @discardableResult
    public func drive(
        promotionID: Int64, plan: [PlannedStep], services: StepServices, stoppingAfterGate: Bool = false
    ) async throws -> PromotionStatus {
        var promotion = try await ledger.transaction { tx -> PromotionRecord in
            guard let promotion = try await tx.promotion(id: promotionID) else {
                throw LedgerError(.notFound, "there is no promotion \(promotionID)")
            }
            return promotion
        }
        if promotion.status.isFinished { return promotion.status }
        if stoppingAfterGate && promotion.status == .progressing { return promotion.status }
        let steps = try await ledger.transaction { tx in try await tx.planSteps(promotionID: promotionID, plan, actor: actor) }
        // A step the ledger says succeeded counts only if the chain records it (a gate marked
        // succeeded by SQL would skip its approvals): otherwise nothing after it runs.
        if let forged = try await unrecordedSuccess(in: steps) {
            let reason = Self.forgedReason(forged)
            return promotion.status == .progressing ? try await rollBack(promotion, reason: reason) : try await fail(promotion, reason: reason)
        }
        // A step failed before a runner died: the rollback it started may not have finished, so
        // finish it before anything else (never run the steps after a failed one). A failed gate
        // moved no traffic: that promotion fails, there is nothing to roll back.
        if let failed = steps.first(where: { $0.status == .failed }) {
            let reason = "\(failed.name): \(failed.logTail ?? "failed")"
            if failed.kind == StepKind.gate.rawValue || promotion.status != .progressing { return try await fail(promotion, reason: reason) }
            if failed.kind == StepKind.retire.rawValue { return try await keepLive(promotion, reason: reason) }
            return try await rollBack(promotion, reason: reason)
        }
        if promotion.status != .progressing {
            if let reason = try await supersededBy(promotion) {
                return try await supersede(promotion, reason: reason)
            }
            // A gate first: the promotion waits (and may still be superseded) until it opens.
            let gated = steps.first { !$0.status.isFinished }?.kind == StepKind.gate.rawValue
            if stoppingAfterGate && !gated { return promotion.status }
            if !gated || promotion.status == .pending {
                promotion = try await ledger.transaction { tx in
                    try await tx.movePromotion(id: promotionID, to: gated ? .waiting : .progressing, actor: actor)
                }
            }
        }
        for planned in steps where !planned.status.isFinished {
            let outcome = try await run(step: planned, promotion: promotion, services: services)
            switch outcome {
            case .failed(let reason) where promotion.status == .waiting:
                // A gate that fails (a rejection) moved no traffic: nothing to roll back.
                return try await fail(promotion, reason: reason)
            case .failed(let reason) where planned.kind == StepKind.retire.rawValue:
                return try await keepLive(promotion, reason: reason)
            case .failed(let reason):
                return try await rollBack(promotion, reason: reason)
            case .superseded(let reason):
                return try await supersede(promotion, reason: reason)
            case .succeeded where promotion.status == .waiting:
                if stoppingAfterGate { return .waiting }
                promotion = try await ledger.transaction { tx in
                    try await tx.movePromotion(id: promotionID, to: .progressing, actor: actor)
                }
            case .succeeded:
                break
            }
        }
        try await ledger.transaction { tx in
            _ = try await tx.movePromotion(id: promotionID, to: .succeeded, actor: actor)
        }
        progress(PromotionProgress(promotionID: promotionID, environment: promotion.environment, event: .promotionFinished(.succeeded, nil)))
        return .succeeded
    }

    enum StepEnd {
        case succeeded
        case failed(String)
        /// A newer release waits for the environment (only while a gate holds the promotion).
        case superseded(String)
    }

    /// Runs one step to its end: attempts, waits and retries, all recorded.
    private func run(step initial: StepRecord, promotion: PromotionRecord, services: StepServices) async throws -> StepEnd {
        guard let kind = StepKind(rawValue: initial.kind), let runner = registry.runner(for: kind) else {
            let reason = "no runner for the step kind \"\(initial.kind)\" (step \(initial.ordinal), \(initial.name))"
            _ = try await ledger.transaction { tx in
                try await tx.finishStep(id: initial.id, status: .failed, result: nil, note: reason, actor: actor)
            }
            return .failed(reason)
        }
        var step = initial
        // A step that was running when a driver died continues as the same attempt.
        if step.status == .pending {
            do {
                step = try await ledger.transaction { tx in try await tx.startStep(id: step.id, actor: actor) }
            } catch let error as LedgerError where error.code == .conflict {
                // Finished before it started (`slipway abort` between two steps): say how.
                let current = try await ledger.transaction { tx in try await tx.steps(promotionID: promotion.id) }.first { $0.id == step.id }
                guard let current, current.status.isFinished else { throw error }
                return try await finishedElsewhere(current, promotion: promotion)
            }
        }
        report(promotion, .stepStarted(ordinal: step.ordinal, name: step.name, attempt: step.attempt))
        let isGate = kind == .gate
        // A gate wakes up every `gatePoll` to see whether a newer release has come, a pause every
        // `pausePoll` to see whether it was ended (`slipway promote`) or aborted.
        let poll: Duration? = isGate ? gatePoll : kind == .pause ? pausePoll : nil
        while true {
            if let retryAfter = step.retryAfter, retryAfter > now() {
                let wait = Duration.milliseconds(Int64(retryAfter.timeIntervalSince(now()) * 1000))
                try await sleep(poll.map { min(wait, $0) } ?? wait)
            }
            // Someone else may have finished the step meanwhile (`slipway promote` ends a pause).
            let current = try await ledger.transaction { tx in try await tx.steps(promotionID: promotion.id) }.first { $0.id == step.id }
            if let current, current.status.isFinished {
                return try await finishedElsewhere(current, promotion: promotion)
            }
            // Not finished elsewhere: a waiting gate stands aside for a newer release, or waits on.
            if isGate, let reason = try await supersededBy(promotion) { return .superseded(reason) }
            if poll != nil, let retryAfter = step.retryAfter, retryAfter > now() { continue }
            let context = StepContext(
                promotionID: promotion.id, stepID: step.id, pipeline: promotion.pipeline, environment: promotion.environment,
                releaseID: promotion.releaseID, commitSHA: promotion.commitSHA, attempt: step.attempt,
                stepStartedAt: step.startedAt ?? now(), now: now, target: target, services: services
            )
            let outcome = await runner(step.config, context)
            // Stopped (SIGTERM) while the step ran: what it saw is the stop, not the release.
            // Nothing is recorded; the next runner repeats the step.
            if Task.isCancelled { throw CancellationError() }
            switch outcome {
            case .done(let evidence):
                do {
                    _ = try await ledger.transaction { tx in
                        try await tx.finishStep(id: step.id, status: .succeeded, result: evidence, actor: actor)
                    }
                } catch let error as LedgerError where error.code == .conflict {
                    continue  // finished meanwhile by someone else (`slipway abort`): the loop reads how
                }
                report(promotion, .stepFinished(ordinal: step.ordinal, name: step.name, status: .succeeded, note: nil))
                return .succeeded
            case .running(let retryAfter, let note):
                let at = now().addingTimeInterval(Self.seconds(retryAfter))
                step = try await ledger.transaction { tx in try await tx.deferStep(id: step.id, retryAfter: at, note: note, actor: actor) }
                report(promotion, .stepWaiting(ordinal: step.ordinal, name: step.name, note: note))
            case .failedRetryable(let reason) where step.attempt < maxAttempts:
                logger.warning("step failed, trying again", metadata: ["step": "\(step.name)", "reason": "\(reason)"])
                let at = now().addingTimeInterval(Double(step.attempt))
                do {
                    step = try await ledger.transaction { tx in
                        _ = try await tx.deferStep(id: step.id, retryAfter: at, note: "attempt \(step.attempt) failed: \(reason)", actor: actor)
                        return try await tx.startStep(id: step.id, actor: actor)
                    }
                } catch let error as LedgerError where error.code == .conflict {
                    continue  // finished meanwhile by someone else: the loop reads how
                }
                step.retryAfter = at
                report(promotion, .stepStarted(ordinal: step.ordinal, name: step.name, attempt: step.attempt))
            case .failedRetryable(let reason), .failedTerminal(let reason, _):
                var evidence: JSONValue?
                if case .failedTerminal(_, let details) = outcome { evidence = details }
                do {
                    _ = try await ledger.transaction { tx in
                        try await tx.finishStep(id: step.id, status: .failed, result: evidence, note: reason, actor: actor)
                    }
                } catch let error as LedgerError where error.code == .conflict {
                    continue  // finished meanwhile by someone else: the loop reads how
                }
                report(promotion, .stepFinished(ordinal: step.ordinal, name: step.name, status: .failed, note: reason))
                // A reason that already starts with the step's name is not prefixed again.
                return .failed(reason.hasPrefix(step.name) ? reason : "\(step.name): \(reason)")
            }
        }
    }

    /// How a step someone else finished ends here: as they finished it, when the chain records
    /// it; a success no event records (the row was changed outside Slipway) fails the step.
    private func finishedElsewhere(_ current: StepRecord, promotion: PromotionRecord) async throws -> StepEnd {
        if current.status == .succeeded, try await unrecordedSuccess(in: [current]) != nil {
            report(promotion, .stepFinished(ordinal: current.ordinal, name: current.name, status: .failed, note: Self.forgedReason(current)))
            return .failed(Self.forgedReason(current))
        }
        report(promotion, .stepFinished(ordinal: current.ordinal, name: current.name, status: current.status, note: current.logTail))
        return current.status == .failed ? .failed(current.logTail ?? "step \(current.name) failed") : .succeeded
    }

    /// The first of `steps` the ledger says succeeded without an event recording it.
    private func unrecordedSuccess(in steps: [StepRecord]) async throws -> StepRecord? {
        let succeeded = steps.filter { $0.status == .succeeded }
        guard !succeeded.isEmpty else { return nil }
        return try await ledger.transaction { tx in
            for step in succeeded where !(try await tx.isRecordedFinish(of: step)) { return step }
            return nil
        }
    }

    static func forgedReason(_ step: StepRecord) -> String {
        "\(step.name): marked succeeded in the ledger, but no event of the chain records it (changed outside Slipway); nothing after it runs"
    }

    /// Takes traffic back to the stable release and records the promotion as rolled back.
    private func rollBack(_ promotion: PromotionRecord, reason: String) async throws -> PromotionStatus {
        var status = PromotionStatus.rolledBack
        var cause = reason
        do {
            try await target.rollBack(release: promotion.releaseID) { [ledger, actor] in
                // When the weights are back: the moment an auditor (and the abort-time benchmark) asks about.
                _ = try? await ledger.transaction { tx in
                    try await tx.appendEvent(NewEvent(
                        actor: actor, kind: "promotion.traffic_restored", subject: "promotion/\(promotion.id)",
                        payload: .object(["release": .string(promotion.releaseID)])
                    ))
                }
            }
        } catch {
            // Traffic could not be taken back: the promotion failed, and the ledger says why.
            status = .failed
            cause = "\(reason); rolling back failed too: \(error)"
        }
        try await ledger.transaction { tx in
            try await tx.skipUnfinishedSteps(promotionID: promotion.id, note: "not run: the promotion was rolled back", actor: actor)
            _ = try await tx.movePromotion(id: promotion.id, to: status, actor: actor, reason: cause)
        }
        progress(PromotionProgress(promotionID: promotion.id, environment: promotion.environment, event: .promotionFinished(status, cause)))
        return status
    }

    /// Ends a promotion whose retire step failed: the release is live and passed every check
    /// before it, only stopping the previous release went wrong. Rolling back now would move
    /// traffic to a release being drained or stopped, so the promotion succeeds, the ledger says
    /// what was left running, and nothing moves.
    private func keepLive(_ promotion: PromotionRecord, reason: String) async throws -> PromotionStatus {
        let note = "\(promotion.releaseID) is live; \(reason) (the previous release may still be running: the next release's deploy replaces it, or `slipway down` stops the environment)"
        try await ledger.transaction { tx in
            _ = try await tx.appendEvent(NewEvent(
                actor: actor, kind: "promotion.cleanup_failed", subject: "promotion/\(promotion.id)",
                payload: .object(["release": .string(promotion.releaseID), "reason": .string(reason)])
            ))
            _ = try await tx.movePromotion(id: promotion.id, to: .succeeded, actor: actor, reason: note)
        }
        progress(PromotionProgress(promotionID: promotion.id, environment: promotion.environment, event: .promotionFinished(.succeeded, note)))
        return .succeeded
    }

    /// Ends a promotion that a newer release took the place of, before it moved any traffic.
    private func supersede(_ promotion: PromotionRecord, reason: String) async throws -> PromotionStatus {
        try await finish(promotion, as: .superseded, reason: reason, skipNote: "not run: the promotion was superseded")
    }

    /// Ends a promotion whose gate failed (it moved no traffic).
    private func fail(_ promotion: PromotionRecord, reason: String) async throws -> PromotionStatus {
        try await finish(promotion, as: .failed, reason: reason, skipNote: "not run: the gate failed")
    }

    private func finish(_ promotion: PromotionRecord, as status: PromotionStatus, reason: String, skipNote: String) async throws -> PromotionStatus {
        try await ledger.transaction { tx in
            try await tx.skipUnfinishedSteps(promotionID: promotion.id, note: skipNote, actor: actor)
            _ = try await tx.movePromotion(id: promotion.id, to: status, actor: actor, reason: reason)
        }
        progress(PromotionProgress(promotionID: promotion.id, environment: promotion.environment, event: .promotionFinished(status, reason)))
        return status
    }

    private func report(_ promotion: PromotionRecord, _ event: PromotionProgress.Event) {
        progress(PromotionProgress(promotionID: promotion.id, environment: promotion.environment, event: event))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// What a ``PromotionDriver`` reports as it goes.
public struct PromotionProgress: Sendable {
    public enum Event: Sendable {
        case stepStarted(ordinal: Int, name: String, attempt: Int)
        case stepWaiting(ordinal: Int, name: String, note: String)
        case stepFinished(ordinal: Int, name: String, status: StepStatus, note: String?)
        case promotionFinished(PromotionStatus, String?)
    }

    public var promotionID: Int64
    public var environment: String
    public var event: Event

    public init(promotionID: Int64, environment: String, event: Event) {
        self.promotionID = promotionID
        self.environment = environment
        self.event = event
    }
}
