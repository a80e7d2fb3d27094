import Foundation
import SlipwayCore

/// One kind of promotion step: decodes its configuration from the ledger's JSON and runs one
/// attempt, answering with a ``StepOutcome``. A runner must be safe to call again for the same
/// step after a crash (it checks what is already done before acting), because the engine records
/// a step as running before it starts it and resumes unfinished steps.
public protocol PromotionStepRunner: Sendable {
    associatedtype Config: Decodable & Sendable

    /// The kind this runner handles.
    static var kind: StepKind { get }

    /// Runs one attempt of a step with `config`.
    func run(_ config: Config, context: StepContext) async -> StepOutcome
}

extension PromotionStepRunner {
    /// Decodes `config` and runs; a configuration that does not decode is a terminal failure.
    func run(json config: JSONValue, context: StepContext) async -> StepOutcome {
        do {
            let data = try JSONEncoder().encode(config)
            let decoded = try JSONDecoder().decode(Config.self, from: data)
            return await run(decoded, context: context)
        } catch {
            return .failedTerminal(
                reason: "the \(Self.kind.rawValue) step's configuration is not what this runner reads: \(error)", evidence: config
            )
        }
    }
}
