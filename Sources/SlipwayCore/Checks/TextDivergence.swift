/// How far apart two answers to the same prompt are: the word-level edit distance (words
/// inserted, deleted or replaced) divided by the longer answer's word count. 0 means the same
/// words in the same order, 1 that no word lines up. Case and punctuation around words are
/// ignored, so "Hello, world." and "hello world" do not diverge.
public enum TextDivergence {
    public static func between(_ first: String, _ second: String) -> Double {
        let a = words(first)
        let b = words(second)
        let longest = max(a.count, b.count)
        guard longest > 0 else { return 0 }
        return Double(editDistance(a, b)) / Double(longest)
    }

    /// The words of `text`, lowercased, without the punctuation around them.
    static func words(_ text: String) -> [Substring] {
        text.lowercased()
            .split(whereSeparator: { $0.isWhitespace })
            .map(trimmingPunctuation)
            .filter { !$0.isEmpty }
    }

    private static func trimmingPunctuation(_ word: Substring) -> Substring {
        var word = word
        while let first = word.first, first.isPunctuation { word.removeFirst() }
        while let last = word.last, last.isPunctuation { word.removeLast() }
        return word
    }

    /// Levenshtein distance over words, with one row of memory.
    static func editDistance(_ a: [Substring], _ b: [Substring]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
