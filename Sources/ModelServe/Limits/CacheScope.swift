/// Whose requests share cached answers: each API key its own (the default, so one caller never
/// reads what another was answered), or every caller (`--cache-scope shared`, for a fleet whose
/// keys all belong to one application).
public enum CacheScope: String, Sendable, CaseIterable {
    case perKey = "key"
    case shared

    /// The part of a cache key that separates callers: the key's public id, or nil when shared.
    public func partition(keyID: String?) -> String? {
        switch self {
        case .perKey: return keyID ?? ""
        case .shared: return nil
        }
    }
}
