import ArgumentParser
import Foundation
import SlipwayCore
import SlipwayEngine

struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Move an environment's traffic back to the previous (or a named) release, recorded with who and why."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "The environment.")
    var env: String

    @Option(name: .long, help: "The release to go back to (default: the one live before the current one).")
    var to: String?

    @Option(name: .long, help: "Why, for the ledger.")
    var reason: String

    @Option(name: .long, help: "The pipeline (default: the only one).")
    var pipeline: String?

    @Option(name: .long, help: "Who rolls back, for the ledger (default: $USER).")
    var actor: String?

    func run() async throws {
        try await runReportingFailures {
            let snapshot = try SpecSource(options: global).snapshot(at: "HEAD")
            guard case .success(let specs) = SpecLoader.load(snapshot.files) else {
                throw CommandError("the specs at HEAD are not valid; run `slipway validate`")
            }
            guard let environment = specs.environment(named: env) else { throw CommandError("there is no environment '\(env)'") }
            let spec = try specs.chosenPipeline(named: pipeline)
            let who = CurrentUser.name(or: actor)
            let moved = try await DatabaseSource.withLedger(global) { ledger in
                try await EnvironmentRollback(ledger: ledger, stateDirectory: global.resolvedStateDirectory, actor: who)
                    .rollBack(environment: environment, pipeline: spec, to: to, reason: reason)
            }
            print("rolled \(env) back from \(moved.from) to \(moved.to) (by \(who): \(reason))")
        }
    }
}
