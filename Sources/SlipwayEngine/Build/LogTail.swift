import Foundation

/// The end of a step's log, read from the end of the file: a step may print gigabytes, and only
/// its last lines are shown when it fails.
public enum LogTail {
    /// The last `lines` lines of the file at `path`, from at most its last `maxBytes` bytes
    /// (a longer line is cut at its start); `""` when the file is missing or empty.
    /// `tail` quoted under an error message, each line as `  | line`, ending with a newline.
    static func quoted(_ tail: String) -> String {
        tail.split(separator: "\n", omittingEmptySubsequences: false).map { "  | \($0)" }.joined(separator: "\n") + "\n"
    }

    public static func read(path: String, lines: Int = 40, maxBytes: Int = 16 * 1024) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd(), size > 0 else { return "" }
        let start = size > UInt64(maxBytes) ? size - UInt64(maxBytes) : 0
        guard (try? handle.seek(toOffset: start)) != nil,
              let data = try? handle.read(upToCount: maxBytes) else { return "" }
        var all = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        if all.last?.isEmpty == true { all.removeLast() }
        // The first line read is usually the end of a longer one; drop it unless it is all there is.
        if start > 0, all.count > 1 { all.removeFirst() }
        return all.suffix(lines).joined(separator: "\n")
    }
}
