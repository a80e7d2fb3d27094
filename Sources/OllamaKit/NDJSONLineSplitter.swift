import NIOCore

/// Splits a stream of byte chunks into newline-delimited JSON lines, whatever the chunk borders.
///
/// Blank lines are skipped. A value type: feed it chunks, get back the lines completed so far.
struct NDJSONLineSplitter {
    private var pending = ByteBuffer()

    /// Adds `chunk` and returns every line it completes, without their newlines.
    mutating func append(_ chunk: ByteBuffer) -> [ByteBuffer] {
        var chunk = chunk
        pending.writeBuffer(&chunk)
        var lines: [ByteBuffer] = []
        while true {
            let view = pending.readableBytesView
            guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else { break }
            let length = view.distance(from: view.startIndex, to: newline)
            guard let line = pending.readSlice(length: length) else { break }
            pending.moveReaderIndex(forwardBy: 1)
            if Self.hasContent(line) { lines.append(line) }
        }
        pending.discardReadBytes()
        return lines
    }

    /// The last line when the stream ended without a newline, if it has any content.
    mutating func finish() -> ByteBuffer? {
        defer { pending.clear() }
        return Self.hasContent(pending) ? pending : nil
    }

    private static func hasContent(_ line: ByteBuffer) -> Bool {
        line.readableBytesView.contains { !($0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t")) }
    }
}
