import Foundation
import Logging
import Testing

@testable import ModelServe

/// The JSON log handler, writing into a pipe the test reads back.
@Suite struct JSONLogHandlerTests {
    /// Runs `body` with a logger writing to a pipe, then returns the lines written, each parsed.
    static func lines(
        label: String = "model-serve.test", level: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil, _ body: (inout Logger) -> Void
    ) throws -> (raw: String, objects: [[String: Any]]) {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        defer { close(readEnd) }
        var logger = Logger(label: label) { label in
            JSONLogHandler(label: label, fileDescriptor: writeEnd, metadataProvider: metadataProvider)
        }
        logger.logLevel = level
        body(&logger)
        close(writeEnd)

        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(readEnd, &chunk, chunk.count)
            if count <= 0 { break }
            data.append(contentsOf: chunk[0..<count])
        }
        let raw = String(decoding: data, as: UTF8.self)
        var objects: [[String: Any]] = []
        for line in raw.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "line \(line)"
            )
            objects.append(object)
        }
        return (raw, objects)
    }

    @Test func eventIsOneJSONLineWithTheStandardFields() throws {
        let (raw, objects) = try Self.lines { logger in
            logger.info("request answered", metadata: ["request_id": "abc123", "status": "200"])
        }
        #expect(raw.hasSuffix("\n"))
        #expect(raw.filter { $0 == "\n" }.count == 1)
        let object = try #require(objects.first)
        #expect(object["level"] as? String == "info")
        #expect(object["logger"] as? String == "model-serve.test")
        #expect(object["message"] as? String == "request answered")
        #expect(object["request_id"] as? String == "abc123")
        #expect(object["status"] as? String == "200")
        let ts = try #require(object["ts"] as? String)
        // e.g. 2026-11-23T10:00:00.123Z
        #expect(ts.count == 24)
        #expect(ts.hasSuffix("Z"))
        #expect(Array(ts)[10] == "T")
        #expect(Array(ts)[19] == ".")
        #expect(ts.hasPrefix(String(Calendar(identifier: .gregorian).component(.year, from: Date()))))
    }

    @Test func oneLinePerEventEvenWithNewlinesInTheMessage() throws {
        let (_, objects) = try Self.lines { logger in
            logger.info("first")
            logger.warning("second\nspans lines")
            logger.error("third", metadata: ["quote": "a \"b\" c"])
        }
        #expect(objects.count == 3)
        #expect(objects.map { $0["message"] as? String } == ["first", "second\nspans lines", "third"])
        #expect(objects.map { $0["level"] as? String } == ["info", "warning", "error"])
        #expect(objects[2]["quote"] as? String == "a \"b\" c")
    }

    @Test func eventsBelowTheLevelAreNotWritten() throws {
        let (_, objects) = try Self.lines(level: .notice) { logger in
            logger.info("dropped")
            logger.notice("kept")
        }
        #expect(objects.map { $0["message"] as? String } == ["kept"])
    }

    @Test func loggerProviderAndEventMetadataAreMergedEventWinning() throws {
        let provider = Logger.MetadataProvider { ["trace_id": "t-1", "source": "provider"] }
        let (_, objects) = try Self.lines(metadataProvider: provider) { logger in
            logger[metadataKey: "release"] = "rel-7"
            logger[metadataKey: "source"] = "logger"
            logger.info("one", metadata: ["source": "event", "count": "\(3)"])
            logger.info("two")
        }
        #expect(objects.count == 2)
        #expect(objects[0]["release"] as? String == "rel-7")
        #expect(objects[0]["trace_id"] as? String == "t-1")
        #expect(objects[0]["source"] as? String == "event")
        #expect(objects[0]["count"] as? String == "3")
        #expect(objects[1]["source"] as? String == "provider")
        #expect(objects[1]["count"] == nil)
    }

    @Test func nestedMetadataBecomesJSONArraysAndObjects() throws {
        let (_, objects) = try Self.lines { logger in
            logger.info("nested", metadata: ["scopes": ["generate", "chat"], "upstream": ["url": "http://a", "healthy": "true"]])
        }
        let object = try #require(objects.first)
        #expect(object["scopes"] as? [String] == ["generate", "chat"])
        #expect(object["upstream"] as? [String: String] == ["url": "http://a", "healthy": "true"])
        #expect(object["ts"] is String)
    }
}
