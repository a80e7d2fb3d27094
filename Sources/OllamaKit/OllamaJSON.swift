import Foundation

/// The JSON coders OllamaKit uses (Ollama's names are spelled out in each type's `CodingKeys`).
public enum OllamaJSON {
    /// A new encoder that writes keys in a stable order.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A new decoder.
    public static var decoder: JSONDecoder { JSONDecoder() }
}
