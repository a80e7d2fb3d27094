import SlipwayCore

/// A report of a run that is worth a notification: which event, for which promotion, and what
/// the engine said about it (what a gate waits for, why a promotion failed).
///
/// ``init(_:)`` is the whole answer to "which progress produces a message": a gate step that
/// waits, and a promotion that succeeded, failed or was rolled back. Nothing else (steps
/// starting and ending, builds, superseded or aborted promotions) is told.
public struct NotificationTrigger: Sendable, Equatable {
    public var event: NotificationEvent
    public var promotionID: Int64
    public var environment: String
    /// What the gate waits for, or why the promotion failed or was rolled back.
    public var detail: String?

    public init(event: NotificationEvent, promotionID: Int64, environment: String, detail: String? = nil) {
        self.event = event
        self.promotionID = promotionID
        self.environment = environment
        self.detail = detail
    }

    /// The trigger `progress` makes, or nil when it makes none.
    public init?(_ progress: RunProgress) {
        guard case .promotion(let promotion) = progress else { return nil }
        switch promotion.event {
        case .stepWaiting(_, let name, let note) where Self.isGate(stepNamed: name):
            self.init(event: .gateWaiting, promotionID: promotion.promotionID, environment: promotion.environment, detail: note)
        case .promotionFinished(let status, let reason):
            let event: NotificationEvent
            switch status {
            case .succeeded: event = .promotionSucceeded
            case .failed: event = .promotionFailed
            case .rolledBack: event = .promotionRolledBack
            default: return nil
            }
            self.init(event: event, promotionID: promotion.promotionID, environment: promotion.environment, detail: reason)
        default:
            return nil
        }
    }

    /// Whether a step is a promotion's gate: ``PromotionPlanner`` names it `gate after STAGE`.
    static func isGate(stepNamed name: String) -> Bool {
        name.hasPrefix("gate after ")
    }
}
