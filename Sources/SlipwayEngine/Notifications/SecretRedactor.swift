import Foundation

/// Takes secrets out of text that leaves the process (a notification's reason, an error logged
/// about a webhook): the values it is given (the webhook URLs, tokens from the environment),
/// and anything shaped like a credential — a URL's user and password, `Bearer …`, Slipway API
/// tokens (`slw_…`), and query or `key=value` parameters named like a secret.
public struct SecretRedactor: Sendable {
    public static let mask = "[redacted]"
    /// Exact values to remove, longest first (so one containing another goes whole).
    public let secrets: [String]

    public init(secrets: [String] = []) {
        self.secrets = Set(secrets.filter { $0.count >= 4 }).sorted { $0.count > $1.count }
    }

    public func redact(_ text: String) -> String {
        var text = text
        for secret in secrets {
            text = text.replacingOccurrences(of: secret, with: Self.mask)
        }
        for (pattern, template) in Self.patterns {
            guard let expression = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { continue }
            text = expression.stringByReplacingMatches(
                in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template
            )
        }
        return text
    }

    /// Patterns and what replaces them ($1 keeps what names the secret).
    static let patterns: [(String, String)] = [
        // scheme://user:password@host → scheme://[redacted]@host
        (#"([a-z][a-z0-9+.-]*://)[^\s/@:]+(:[^\s/@]*)?@"#, "$1\(mask)@"),
        (#"\b(authorization\s*[:=]\s*)((bearer|basic|digest|token)\s+)?[^\s;,"']+"#, "$1$2\(mask)"),
        (#"\b(bearer)\s+[A-Za-z0-9._~+/=-]+"#, "$1 \(mask)"),
        (#"\bslw_[A-Za-z0-9_-]+"#, mask),
        // ?token=…, &api_key=…, secret: …, password=…
        (#"\b([a-z0-9_-]*(token|secret|password|passwd|api[_-]?key|signature)[a-z0-9_-]*)(\s*[=:]\s*)[^\s&,;"']+"#, "$1$3\(mask)"),
    ]
}
