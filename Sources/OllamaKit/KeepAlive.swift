/// How long Ollama keeps a model in memory after a request (`keep_alive`).
///
/// Ollama accepts either a duration string (`"5m"`, `"1h"`, `"-1"`) or a number of seconds
/// (`0` unloads the model at once, a negative number keeps it loaded forever).
public enum KeepAlive: Sendable, Hashable, Codable {
    /// A Go-style duration string such as `"5m"` or `"30s"`.
    case duration(String)
    /// A number of seconds; `0` unloads at once, negative keeps forever.
    case seconds(Int)

    /// Keeps the model loaded until the server stops.
    public static let forever = KeepAlive.seconds(-1)
    /// Unloads the model as soon as the request finishes.
    public static let unload = KeepAlive.seconds(0)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let seconds = try? container.decode(Int.self) {
            self = .seconds(seconds)
        } else {
            self = .duration(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .duration(let text): try container.encode(text)
        case .seconds(let seconds): try container.encode(seconds)
        }
    }
}
