import HTTPTypes
import Hummingbird

/// Request ids: a caller's own `X-Request-ID` when it is safe to log and echo, else a fresh one.
enum RequestID {
    static let header = HTTPField.Name("X-Request-ID")!

    /// `proposed` when it is 1–128 characters of `A–Z a–z 0–9 . _ : -`, else a new random id.
    static func accept(_ proposed: String?) -> String {
        if let proposed, (1...128).contains(proposed.utf8.count), proposed.utf8.allSatisfy(isAllowed) {
            return proposed
        }
        return make()
    }

    /// 32 random hex digits.
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return hex(high) + hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"),
            UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}
