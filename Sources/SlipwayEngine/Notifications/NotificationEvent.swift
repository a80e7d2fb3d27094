/// What a notification tells: a gate holds a promotion, or a promotion ended. The raw value is
/// the `slipway.event` field of the message.
public enum NotificationEvent: String, Sendable, Codable, CaseIterable {
    /// A promotion's gate holds it (soak, approvals, a freeze window); told once per promotion.
    case gateWaiting = "gate.waiting"
    case promotionSucceeded = "promotion.succeeded"
    case promotionFailed = "promotion.failed"
    /// Failed after traffic moved; traffic is back on the last good release.
    case promotionRolledBack = "promotion.rolled_back"
}
