import OllamaKit

/// One piece of a generation, whether it came from `/api/generate` or `/api/chat`.
struct GenerationPiece: Sendable {
    var text: String
    var done: Bool
    var doneReason: String?
    var metrics: GenerationMetrics

    init(_ response: GenerateResponse) {
        self.init(text: response.response, done: response.done, doneReason: response.doneReason, metrics: response.metrics)
    }

    init(_ response: ChatResponse) {
        self.init(text: response.message.content, done: response.done, doneReason: response.doneReason, metrics: response.metrics)
    }

    init(text: String, done: Bool, doneReason: String?, metrics: GenerationMetrics) {
        self.text = text
        self.done = done
        self.doneReason = doneReason
        self.metrics = metrics
    }
}

/// Reads an upstream stream piece by piece. Used by one task at a time (the handler reads the
/// first piece, then the response body writer the rest), which is what makes the unchecked
/// `Sendable` sound. Dropping the cursor ends the stream, which cancels the upstream request.
final class GenerationCursor: @unchecked Sendable {
    private let nextPiece: () async throws -> GenerationPiece?

    init<Pieces: AsyncSequence>(_ pieces: Pieces, _ transform: @escaping (Pieces.Element) -> GenerationPiece) {
        var iterator = pieces.makeAsyncIterator()
        nextPiece = { try await iterator.next().map(transform) }
    }

    func next() async throws -> GenerationPiece? {
        try await nextPiece()
    }
}
