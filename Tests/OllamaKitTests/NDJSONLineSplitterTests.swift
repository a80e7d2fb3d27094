import NIOCore
import Testing
@testable import OllamaKit

extension Ollama {
    /// Lines are found whatever the chunk borders.
    @Suite struct NDJSONLineSplitterTests {
        @Test func splitsAcrossChunkBordersAndSkipsBlankLines() {
            var splitter = NDJSONLineSplitter()
            var lines: [String] = []
            for chunk in ["{\"a\":", "1}\n\n{\"b\"", ":2}\r\n{\"c\":3}\n", "  \n{\"d\":4}"] {
                lines += splitter.append(ByteBuffer(string: chunk)).map { String(buffer: $0) }
            }
            if let last = splitter.finish() { lines.append(String(buffer: last)) }
            #expect(lines == ["{\"a\":1}", "{\"b\":2}\r", "{\"c\":3}", "{\"d\":4}"])
        }
    }
}
