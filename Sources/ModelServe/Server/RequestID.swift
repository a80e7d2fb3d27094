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
        let words = [generator.next() as UInt64, generator.next() as UInt64]
        return String(unsafeUninitializedCapacity: 32) { output in
            var index = 0
            for word in words {
                for shift in stride(from: 60, through: 0, by: -4) {
                    let nibble = UInt8(truncatingIfNeeded: word >> UInt64(shift)) & 0x0F
                    output[index] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
                    index += 1
                }
            }
            return 32
        }
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
