import Crypto

extension SHA256.Digest {
    /// Lowercase hex, the form the ledger stores hashes and checksums in.
    var hex: String {
        map { String(format: "%02x", $0) }.joined()
    }
}
