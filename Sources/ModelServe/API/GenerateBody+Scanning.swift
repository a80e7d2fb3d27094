import NIOCore

extension GenerateBody {
    /// The body read without `JSONDecoder`, for the usual request: an object of the known fields
    /// (others skipped) with the expected types. Nil for anything else (a missing or mistyped
    /// field, a repeated key, malformed JSON…): `JSONDecoder` then reads it, or says what is wrong.
    static func scanned(_ buffer: ByteBuffer) -> GenerateBody? {
        buffer.withUnsafeReadableBytes { bytes in
            var scanner = JSONScanner(bytes: bytes)
            return try? scanner.generateBody()
        }
    }
}

extension JSONScanner {
    mutating func generateBody() throws -> GenerateBody {
        var model: String?
        var prompt: String?
        var system: String?
        var stream: Bool?
        var sampling = SamplingParameters()
        var seen: Set<Int> = []
        func first(_ field: Int) throws {
            guard seen.insert(field).inserted else { throw Unexpected() }
        }
        try expect(UInt8(ascii: "{"))
        if try !consume(UInt8(ascii: "}")) {
            repeat {
                let key = try keyBytes()
                try expect(UInt8(ascii: ":"))
                if equal(key, "prompt") {
                    try first(0)
                    prompt = try string()
                } else if equal(key, "model") {
                    try first(1)
                    model = try stringOrNull()
                } else if equal(key, "max_tokens") {
                    try first(2)
                    sampling.maxTokens = try integerOrNull().map { Int($0) }
                } else if equal(key, "temperature") {
                    try first(3)
                    sampling.temperature = try numberOrNull()
                } else if equal(key, "stream") {
                    try first(4)
                    stream = try consumeNull() ? nil : try bool()
                } else if equal(key, "system") {
                    try first(5)
                    system = try stringOrNull()
                } else if equal(key, "top_p") {
                    try first(6)
                    sampling.topP = try numberOrNull()
                } else if equal(key, "top_k") {
                    try first(7)
                    sampling.topK = try integerOrNull().map { Int($0) }
                } else if equal(key, "seed") {
                    try first(8)
                    sampling.seed = try integerOrNull().map { Int($0) }
                } else if equal(key, "stop") {
                    try first(9)
                    sampling.stop = try stringArrayOrNull()
                } else {
                    try skipValue()
                }
            } while try consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "}"))
        }
        skipWhitespace()
        guard index == bytes.count, let prompt else { throw Unexpected() }
        return GenerateBody(model: model, prompt: prompt, system: system, stream: stream, sampling: sampling)
    }

    mutating func stringArrayOrNull() throws -> [String]? {
        if try consumeNull() { return nil }
        try expect(UInt8(ascii: "["))
        var strings: [String] = []
        if try consume(UInt8(ascii: "]")) { return strings }
        repeat {
            strings.append(try string())
        } while try consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"))
        return strings
    }
}
