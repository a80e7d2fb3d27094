import Crypto

extension SHA256.Digest {
    /// Lowercase hex, the form Slipway stores hashes and checksums in.
    package var hex: String {
        map { String(format: "%02x", $0) }.joined()
    }
}
