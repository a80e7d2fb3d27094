import Foundation
import SlipwayCore

/// The freeze check made again right before traffic moves (a switch, a canary weight, making the
/// canary stable): a freeze window that began after the gate opened holds traffic where it is
/// until the window ends or someone allowed to breaks glass for this occurrence of it.
enum FreezeHold {
    /// How often a held move looks for a break-glass override while the window lasts.
    static let poll: Duration = .seconds(30)

    /// The step's answer while a window holds it, or nil when traffic may move now.
    static func check(_ context: StepContext) async -> StepOutcome? {
        guard let source = context.services.gate else { return nil }
        let environment = source.environment
        let requirements = source.requirements
            ?? GateRequirements(afterStage: nil, freeze: environment.freeze, breakGlass: environment.breakGlass)
        let now = context.now()
        // Most moves happen outside every window: no ledger read then.
        guard !requirements.activeFreezes(at: now).isEmpty else { return nil }
        let frozen: [FreezeWindow]
        do {
            frozen = requirements.unliftedFreezes(try await source.facts(context.promotionID, requirements), at: now)
        } catch {
            return .running(retryAfter: .seconds(1), note: "a freeze window holds and its overrides cannot be read: \(error)")
        }
        guard let first = frozen.first else { return nil }
        let end = frozen.compactMap { $0.end(after: now) }.max()
        let untilEnd = end.map { Duration.milliseconds(Int64(max(1, $0.timeIntervalSince(now) * 1000))) } ?? poll
        let who = requirements.breakGlass.map { " or someone of \($0.groups.joined(separator: ", ")) breaks glass" } ?? ""
        let note = "frozen until \(first.to) \(first.timeZone)" + (first.reason.map { " (\($0))" } ?? "")
            + ": traffic stays where it is until the window ends\(who)"
        return .running(retryAfter: min(untilEnd, poll), note: note)
    }
}
