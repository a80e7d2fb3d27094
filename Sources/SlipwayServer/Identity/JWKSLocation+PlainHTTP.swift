import Foundation

extension JWKSLocation {
    /// Why this location may not be used, nil when it may: an `http://` URL whose host is not a
    /// loopback address (127.0.0.0/8, ::1, localhost). Keys fetched over plain HTTP across a
    /// network can be swapped by anyone on the path, who could then sign tokens Slipway accepts.
    public var plainHTTPProblem: String? {
        guard case .url(let text) = self, text.lowercased().hasPrefix("http://") else { return nil }
        let host = URLComponents(string: text)?.host ?? ""
        if Self.isLoopback(host) { return nil }
        return "\(text) is plain http:// to \(host.isEmpty ? "no host" : host), which is not a loopback address: anyone on the network "
            + "path could swap the identity provider's keys and sign tokens Slipway would accept; use the provider's https:// JWKS URL "
            + "(http:// is allowed only for 127.0.0.0/8, ::1 and localhost), or a JWKS file"
    }

    /// Whether `host` (as a URL names it; IPv6 with or without brackets) is the loopback interface.
    static func isLoopback(_ host: String) -> Bool {
        var name = host
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name.lowercased() == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, name, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, name, &v6) == 1 {
            let bytes = withUnsafeBytes(of: v6) { Array($0) }
            return bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1
        }
        return false
    }
}
