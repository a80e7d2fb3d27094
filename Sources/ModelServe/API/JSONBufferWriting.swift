import NIOCore

/// Writing JSON straight into a `ByteBuffer`, for the answers written on every request (a
/// non-streamed completion, a stream chunk, an error), where `JSONEncoder`'s boxing and sorting
/// cost more than the rest of the answer. Keys are written in sorted order by the callers, so the
/// bytes are the ones `JSONEncoder` with `.sortedKeys, .withoutEscapingSlashes` writes (the tests
/// compare the two).
extension ByteBuffer {
    /// `string` as a JSON string literal: `"` and `\` escaped, control characters as `\n`, `\t`…
    /// or `\u00XX`; everything else (`/` and non-ASCII included) as its UTF-8 bytes.
    mutating func writeJSONString(_ string: String) {
        writeInteger(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var clean = 0  // bytes[clean..<index] need no escaping and are not written yet
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if clean < index { writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[clean..<index]))) }
                clean = index + 1
                switch byte {
                case UInt8(ascii: "\""): writeStaticString("\\\"")
                case UInt8(ascii: "\\"): writeStaticString("\\\\")
                case 0x0A: writeStaticString("\\n")
                case 0x0D: writeStaticString("\\r")
                case 0x09: writeStaticString("\\t")
                case 0x08: writeStaticString("\\b")
                case 0x0C: writeStaticString("\\f")
                default:
                    writeStaticString("\\u00")
                    writeInteger(Self.hexDigit(byte >> 4))
                    writeInteger(Self.hexDigit(byte & 0x0F))
                }
            }
            if clean < bytes.count { writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[clean...]))) }
        }
        writeInteger(UInt8(ascii: "\""))
    }

    /// `"key":` (the key needs no escaping).
    mutating func writeJSONKey(_ key: StaticString) {
        writeInteger(UInt8(ascii: "\""))
        writeStaticString(key)
        writeStaticString("\":")
    }

    /// An integer in decimal.
    mutating func writeJSONInteger(_ value: some BinaryInteger) {
        writeString(String(value))
    }

    /// A number as `JSONEncoder` writes it: integral values without a fraction (`2`), others in
    /// Swift's shortest round-tripping form (`0.7`); a value that is not finite as `null`.
    mutating func writeJSONDouble(_ value: Double) {
        if !value.isFinite {
            writeStaticString("null")
        } else if value == value.rounded(), abs(value) < 1e15 {
            writeString(String(Int64(value)))
        } else {
            writeString(String(value))
        }
    }

    mutating func writeJSONBool(_ value: Bool) {
        writeStaticString(value ? "true" : "false")
    }

    /// A chat message as `{"content":…,"role":…}` (keys sorted, as JSONEncoder writes them).
    mutating func writeJSONMessage(_ message: ChatBody.Message) {
        writeStaticString("{")
        writeJSONKey("content")
        writeJSONString(message.content)
        writeStaticString(",")
        writeJSONKey("role")
        writeJSONString(message.role)
        writeStaticString("}")
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
