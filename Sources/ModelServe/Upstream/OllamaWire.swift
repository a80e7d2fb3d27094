import Foundation
import NIOCore
import NIOFoundationCompat
import OllamaKit

/// The bodies of the non-streamed generate and chat calls, written and read without Foundation's
/// JSON coders: the request written straight into a `ByteBuffer` (the bytes `OllamaJSON.encoder`
/// writes for the same request: sorted keys), the answer scanned for what ModelServe uses.
///
/// Scanning handles the answers Ollama sends; anything it does not expect (a number that is not
/// an integer, an escape it cannot turn into valid UTF-8, a body that is not an object…) makes it
/// give up, and the caller decodes with `JSONDecoder` instead, which then succeeds or fails with
/// the usual error.
enum OllamaWire {
    /// `POST /api/generate`'s body, `"stream": false`.
    static func generateBody(
        model: String, prompt: String, system: String?, options: ModelOptions?, allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 128 + prompt.utf8.count + (system?.utf8.count ?? 0))
        buffer.writeStaticString("{")
        buffer.writeJSONKey("model")
        buffer.writeJSONString(model)
        if let options {
            buffer.writeStaticString(",")
            buffer.writeJSONKey("options")
            write(options, to: &buffer)
        }
        buffer.writeStaticString(",")
        buffer.writeJSONKey("prompt")
        buffer.writeJSONString(prompt)
        buffer.writeStaticString(",\"stream\":false")
        if let system {
            buffer.writeStaticString(",")
            buffer.writeJSONKey("system")
            buffer.writeJSONString(system)
        }
        buffer.writeStaticString("}")
        return buffer
    }

    /// `POST /api/chat`'s body, `"stream": false`.
    static func chatBody(
        model: String, messages: [ChatBody.Message], options: ModelOptions?, allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        let size = messages.reduce(0) { $0 + $1.content.utf8.count + 32 }
        var buffer = allocator.buffer(capacity: 128 + size)
        buffer.writeStaticString("{\"messages\":[")
        for (index, message) in messages.enumerated() {
            if index > 0 { buffer.writeStaticString(",") }
            buffer.writeJSONMessage(message)
        }
        buffer.writeStaticString("],")
        buffer.writeJSONKey("model")
        buffer.writeJSONString(model)
        if let options {
            buffer.writeStaticString(",")
            buffer.writeJSONKey("options")
            write(options, to: &buffer)
        }
        buffer.writeStaticString(",\"stream\":false}")
        return buffer
    }

    /// `options`, keys sorted, absent fields left out.
    private static func write(_ options: ModelOptions, to buffer: inout ByteBuffer) {
        var first = true
        func key(_ name: StaticString) {
            buffer.writeStaticString(first ? "{" : ",")
            first = false
            buffer.writeJSONKey(name)
        }
        if let value = options.minP { key("min_p"); buffer.writeJSONDouble(value) }
        if let value = options.numCtx { key("num_ctx"); buffer.writeJSONInteger(value) }
        if let value = options.numPredict { key("num_predict"); buffer.writeJSONInteger(value) }
        if let value = options.repeatPenalty { key("repeat_penalty"); buffer.writeJSONDouble(value) }
        if let value = options.seed { key("seed"); buffer.writeJSONInteger(value) }
        if let value = options.stop {
            key("stop")
            buffer.writeStaticString("[")
            for (index, stop) in value.enumerated() {
                if index > 0 { buffer.writeStaticString(",") }
                buffer.writeJSONString(stop)
            }
            buffer.writeStaticString("]")
        }
        if let value = options.temperature { key("temperature"); buffer.writeJSONDouble(value) }
        if let value = options.topK { key("top_k"); buffer.writeJSONInteger(value) }
        if let value = options.topP { key("top_p"); buffer.writeJSONDouble(value) }
        buffer.writeStaticString(first ? "{}" : "}")
    }

    /// A non-streamed answer as a piece: scanned, or decoded as `Answer` when scanning gives up.
    static func piece<Answer: Decodable>(
        of body: ByteBuffer, decoding type: Answer.Type, route: String, _ transform: (Answer) -> GenerationPiece
    ) throws -> GenerationPiece {
        if let piece = scanAnswer(body) { return piece }
        do {
            return transform(try OllamaJSON.decoder.decode(Answer.self, from: body))
        } catch {
            throw OllamaError(
                code: .malformedResponse, message: "cannot decode \(Answer.self): \(error)", route: route, cause: error
            )
        }
    }

    /// What a non-streamed generate (`response`) or chat (`message.content`) answer says, or nil
    /// when the body is not shaped as expected (decode it with `JSONDecoder` then).
    static func scanAnswer(_ body: ByteBuffer) -> GenerationPiece? {
        body.withUnsafeReadableBytes { bytes in
            var scanner = JSONScanner(bytes: bytes)
            return try? scanner.answer()
        }
    }
}

/// A forward-only reader of one JSON text, for ``OllamaWire/scanAnswer(_:)``. Every method
/// throws ``JSONScanner/Unexpected`` on anything it does not handle.
struct JSONScanner {
    struct Unexpected: Error {}

    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// `{"model": …, "response": …, "message": {"content": …}, "done": …, "done_reason": …,
    /// "prompt_eval_count": …, …}`, other keys skipped; `model` and `done` are required, as
    /// `GenerateResponse` and `ChatResponse` require them.
    mutating func answer() throws -> GenerationPiece {
        var text = ""
        var done: Bool?
        var doneReason: String?
        var sawModel = false
        var metrics = GenerationMetrics()
        try expect(UInt8(ascii: "{"))
        if try !consume(UInt8(ascii: "}")) {
            repeat {
                let key = try keyBytes()
                try expect(UInt8(ascii: ":"))
                if equal(key, "response") {
                    text = try stringOrNull() ?? ""
                } else if equal(key, "message") {
                    if let content = try messageContent() { text = content }
                } else if equal(key, "done") {
                    done = try bool()
                } else if equal(key, "done_reason") {
                    doneReason = try stringOrNull()
                } else if equal(key, "model") {
                    _ = try string()
                    sawModel = true
                } else if equal(key, "prompt_eval_count") {
                    metrics.promptEvalCount = try integerOrNull().map { Int($0) }
                } else if equal(key, "eval_count") {
                    metrics.evalCount = try integerOrNull().map { Int($0) }
                } else if equal(key, "eval_duration") {
                    metrics.evalDuration = try integerOrNull()
                } else if equal(key, "prompt_eval_duration") {
                    metrics.promptEvalDuration = try integerOrNull()
                } else if equal(key, "total_duration") {
                    metrics.totalDuration = try integerOrNull()
                } else if equal(key, "load_duration") {
                    metrics.loadDuration = try integerOrNull()
                } else {
                    try skipValue()
                }
            } while try consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "}"))
        }
        skipWhitespace()
        guard index == bytes.count, sawModel, let done else { throw Unexpected() }
        return GenerationPiece(text: text, done: done, doneReason: doneReason, metrics: metrics)
    }

    /// A chat answer's `message`: its `content` (nil when absent or null).
    private mutating func messageContent() throws -> String? {
        skipWhitespace()
        if try consumeNull() { return nil }
        var content: String?
        try expect(UInt8(ascii: "{"))
        if try consume(UInt8(ascii: "}")) { throw Unexpected() }  // ChatMessage requires role and content
        var sawRole = false
        repeat {
            let key = try keyBytes()
            try expect(UInt8(ascii: ":"))
            if equal(key, "content") {
                content = try string()
            } else if equal(key, "role") {
                _ = try string()
                sawRole = true
            } else {
                try skipValue()
            }
        } while try consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"))
        guard sawRole, let content else { throw Unexpected() }
        return content
    }

    // MARK: - Tokens

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func expect(_ byte: UInt8) throws {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { throw Unexpected() }
        index += 1
    }

    mutating func consume(_ byte: UInt8) throws -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw Unexpected() }
        if bytes[index] == byte {
            index += 1
            return true
        }
        return false
    }

    mutating func consumeLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] { return false }
        index += count
        return true
    }

    mutating func consumeNull() throws -> Bool {
        skipWhitespace()
        return consumeLiteral("null")
    }

    /// A key without escapes, as the range of its bytes.
    mutating func keyBytes() throws -> Range<Int> {
        try expect(UInt8(ascii: "\""))
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return start..<(index - 1)
            }
            guard byte != UInt8(ascii: "\\"), byte >= 0x20 else { throw Unexpected() }
            index += 1
        }
        throw Unexpected()
    }

    func equal(_ range: Range<Int>, _ name: StaticString) -> Bool {
        guard range.count == name.utf8CodeUnitCount else { return false }
        for offset in 0..<range.count where bytes[range.lowerBound + offset] != name.utf8Start[offset] { return false }
        return true
    }

    mutating func bool() throws -> Bool {
        skipWhitespace()
        if consumeLiteral("true") { return true }
        if consumeLiteral("false") { return false }
        throw Unexpected()
    }

    mutating func stringOrNull() throws -> String? {
        if try consumeNull() { return nil }
        return try string()
    }

    /// A string, its escapes decoded; valid UTF-8 only.
    mutating func string() throws -> String {
        try expect(UInt8(ascii: "\""))
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                index += 1
                return try Self.validated(raw)
            }
            if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
            guard byte >= 0x20 else { throw Unexpected() }
            index += 1
        }
        throw Unexpected()
    }

    /// The rest of a string that has escapes, from its first byte at `start`.
    private mutating func escapedString(from start: Int) throws -> String {
        var output: [UInt8] = []
        output.reserveCapacity(index - start + 32)
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return try output.withUnsafeBytes { try Self.validated($0) }
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw Unexpected() }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard consumeLiteral("\\u") else { throw Unexpected() }
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw Unexpected() }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw Unexpected()
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw Unexpected() }
                    output.append(contentsOf: UTF8.encode(unicode)!)
                default:
                    throw Unexpected()
                }
            default:
                guard byte >= 0x20 else { throw Unexpected() }
                output.append(byte)
            }
        }
        throw Unexpected()
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw Unexpected() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Unexpected()
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private static func validated(_ raw: UnsafeRawBufferPointer) throws -> String {
        let string = String(decoding: raw, as: UTF8.self)
        // Invalid UTF-8 comes back repaired (U+FFFD), so it no longer matches the bytes.
        guard string.utf8.count == raw.count, string.utf8.elementsEqual(raw) else { throw Unexpected() }
        return string
    }

    /// An integer that fits in 64 bits, or null; a fraction or an exponent is unexpected.
    mutating func integerOrNull() throws -> Int64? {
        if try consumeNull() { return nil }
        skipWhitespace()
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        let start = index
        var value: Int64 = 0
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int64(bytes[index] - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw Unexpected() }
            value = sum
            index += 1
        }
        guard index > start, bytes[start] != UInt8(ascii: "0") || index == start + 1 else { throw Unexpected() }
        if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) {
            throw Unexpected()
        }
        return negative ? -value : value
    }

    /// A finite number in JSON's syntax, or null.
    mutating func numberOrNull() throws -> Double? {
        if try consumeNull() { return nil }
        skipWhitespace()
        let start = index
        func digits() throws {
            let first = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > first else { throw Unexpected() }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        try digits()
        guard bytes[integerStart] != UInt8(ascii: "0") || index == integerStart + 1 else { throw Unexpected() }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            try digits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            try digits()
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw Unexpected() }
        return value
    }

    /// Skips any value (checked only as far as finding its end).
    mutating func skipValue() throws {
        skipWhitespace()
        guard index < bytes.count else { throw Unexpected() }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "{"):
            index += 1
            if try consume(UInt8(ascii: "}")) { return }
            repeat {
                _ = try keyBytes()
                try expect(UInt8(ascii: ":"))
                try skipValue()
            } while try consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            index += 1
            if try consume(UInt8(ascii: "]")) { return }
            repeat {
                try skipValue()
            } while try consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "]"))
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            _ = try bool()
        case UInt8(ascii: "n"):
            guard consumeLiteral("null") else { throw Unexpected() }
        default:
            let start = index
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                    UInt8(ascii: "e"), UInt8(ascii: "E"):
                    index += 1
                default:
                    guard index > start else { throw Unexpected() }
                    return
                }
            }
            guard index > start else { throw Unexpected() }
        }
    }
}
