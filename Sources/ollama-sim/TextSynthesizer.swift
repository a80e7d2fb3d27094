import OllamaKit
import Crypto
import Foundation

/// Deterministic "model output": the same (model, input) always gives the same words, a
/// different input gives different ones. Words come from hashing the input into a word list.
struct TextSynthesizer: Sendable {
    static let words = [
        "the", "release", "model", "serves", "a", "stable", "answer", "while", "canary", "traffic",
        "shifts", "slowly", "toward", "green", "and", "every", "stage", "records", "its", "checks",
        "in", "ledger", "with", "careful", "latency", "budget", "so", "that", "rollback", "stays",
        "quick", "when", "drift", "appears", "between", "versions", "of", "prompt", "tokens", "flow",
        "through", "gates", "approvals", "wait", "for", "people", "who", "know", "system", "well",
        "metrics", "compare", "baseline", "against", "candidate", "before", "promotion", "continues", "quietly", "onward",
        "blue", "harbor", "ships", "launch",
    ]

    /// The tokens (words, each but the first with a leading space) for `input` on `model`.
    ///
    /// - Parameters:
    ///   - limit: `num_predict`; when positive and smaller than the natural length, the output
    ///     is cut there and `truncated` is true.
    static func tokens(model: String, input: String, drift: Fault.Drift?, limit: Int?) -> (tokens: [String], truncated: Bool) {
        let salt = drift == .wording ? "drift-wording" : ""
        var generator = SeededGenerator(seed: seed(model: model, input: input, salt: salt))
        var count = 12 + Int(generator.next() % 20)
        if drift == .length { count = count * 2 + 5 }
        var truncated = false
        if let limit, limit > 0, limit < count {
            count = limit
            truncated = true
        }
        var tokens: [String] = []
        tokens.reserveCapacity(count)
        for index in 0..<count {
            let word = words[Int(generator.next() % UInt64(words.count))]
            tokens.append(index == 0 ? word.capitalized : " " + word)
        }
        if !truncated, var last = tokens.popLast() {
            last += "."
            tokens.append(last)
        }
        return (tokens, truncated)
    }

    /// A deterministic unit vector of `dimensions` numbers for `input` on `model`.
    static func embedding(model: String, input: String, dimensions: Int, drift: Fault.Drift?) -> [Double] {
        var generator = SeededGenerator(seed: seed(model: model, input: input, salt: drift == nil ? "embed" : "embed-drift"))
        var vector = (0..<max(dimensions, 1)).map { _ in Double(generator.next() % 2_000_001) / 1_000_000 - 1 }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { vector = vector.map { $0 / norm } }
        return vector
    }

    /// A rough token count for a prompt: its words.
    static func countTokens(_ text: String) -> Int {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).count
    }

    private static func seed(model: String, input: String, salt: String) -> UInt64 {
        let digest = SHA256.hash(data: Data("\(OllamaModelName.normalized(model))\u{0}\(salt)\u{0}\(input)".utf8))
        return digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// SplitMix64: a tiny, fast, seedable generator, so output never depends on the platform's RNG.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
