import SlipwayLedger

/// What a notification says about the release besides the promotion's id and environment,
/// read from the ledger when the message is built (the progress reports do not carry it).
public struct NotifiedRelease: Sendable, Equatable {
    public var pipeline: String
    public var release: String
    /// The full SHA of the commit released.
    public var commit: String

    public init(pipeline: String, release: String, commit: String) {
        self.pipeline = pipeline
        self.release = release
        self.commit = commit
    }

    public init(_ promotion: PromotionRecord) {
        self.init(pipeline: promotion.pipeline, release: promotion.releaseID, commit: promotion.commitSHA)
    }

    /// Looks the promotion up in `ledger`; nil when it cannot (the message goes out without it).
    public static func lookup(in ledger: Ledger) -> @Sendable (Int64) async -> NotifiedRelease? {
        { id in
            guard let promotion = try? await ledger.transaction({ tx in try await tx.promotion(id: id) }) else { return nil }
            return NotifiedRelease(promotion)
        }
    }
}
