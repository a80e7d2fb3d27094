import Foundation
import Logging
import SlipwayCore
import SlipwayLedger
import SlipwayTargets

/// Watches the local environments whose spec has `drift:` for differences between what runs
/// and what Slipway last asked for — HAProxy down, a slot's process dead, a weight changed by
/// hand — every `drift.interval`, and with `selfHeal: true` puts them back (HAProxy restarted,
/// the crashed slot started again as it was launched, the recorded weights applied).
///
/// A round is skipped while a promotion holds the environment's lock: traffic moving is not
/// drift. What a round finds is written to the ledger as an `environment.drift` event — once
/// per distinct finding, so a drift left alone for hours is one event, not hundreds.
public struct EnvironmentDriftMonitor: Sendable {
    public var ledger: Ledger
    public var stateDirectory: String
    public var actor: String
    public var logger: Logger

    public init(ledger: Ledger, stateDirectory: String, actor: String, logger: Logger) {
        self.ledger = ledger
        self.stateDirectory = stateDirectory
        self.actor = actor
        self.logger = logger
    }

    /// The environments this monitor looks after: local ones with drift settings.
    public static func watched(_ environments: [EnvironmentSpec]) -> [(EnvironmentSpec, port: Int, settings: DriftSettings)] {
        environments.compactMap { environment in
            guard case .local(let port) = environment.target, let settings = environment.drift else { return nil }
            return (environment, port, settings)
        }
    }

    /// Checks every watched environment at its own interval until the task is cancelled.
    /// `report` hears of every round that found something.
    public func run(_ environments: [EnvironmentSpec], report: @escaping @Sendable (String, DriftReport) -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            for (environment, port, settings) in Self.watched(environments) {
                group.addTask {
                    var last = DriftReport()
                    while !Task.isCancelled {
                        try? await Task.sleep(for: settings.interval)
                        if Task.isCancelled { break }
                        do {
                            guard let round = try await check(environment.name, port: port, heal: settings.selfHeal, last: last)
                            else { continue }
                            last = round
                            if !round.isClean { report(environment.name, round) }
                        } catch {
                            logger.error("drift check failed", metadata: ["environment": "\(environment.name)", "error": "\(error)"])
                        }
                    }
                }
            }
        }
    }

    /// One round for one environment: inspects it (and heals it when `heal`), and records what
    /// was found unless it is what `last` round found and failed to repair, with nothing repaired
    /// now. Returns nil when a promotion holds the environment, or one is unfinished there (its
    /// runner died mid-way: the files may say what it was about to do, not what is, and the
    /// resumed promotion puts it right).
    public func check(_ name: String, port: Int, heal: Bool, last: DriftReport = DriftReport()) async throws -> DriftReport? {
        let local = LocalEnvironment.forSpec(name: name, port: port, stateDirectory: stateDirectory)
        let round: DriftReport?? = try await ledger.withLockIfFree("environment:\(name)") { () -> DriftReport? in
            let unfinished = try await ledger.transaction { tx in try await tx.unfinishedPromotions(environment: name) }
            if unfinished.contains(where: { $0.status == .progressing }) { return nil }
            let report = heal ? await local.heal() : await local.inspect()
            let news = !report.isClean && (report.found != last.found || report.failures != last.failures || !report.repaired.isEmpty)
            if news {
                logger.warning("environment drift", metadata: [
                    "environment": "\(name)", "found": "\(report.found.map(\.description))", "repaired": "\(report.repaired)",
                ])
                try await ledger.transaction { tx in
                    _ = try await tx.appendEvent(NewEvent(
                        actor: actor, kind: "environment.drift", subject: "environment/\(name)",
                        payload: .object([
                            "found": .array(report.found.map { .string($0.description) }),
                            "selfHeal": .bool(heal),
                            "repaired": .array(report.repaired.map { .string($0) }),
                            "failures": .array(report.failures.map { .string($0) }),
                        ])
                    ))
                }
            }
            return report
        }
        return round ?? nil
    }
}
