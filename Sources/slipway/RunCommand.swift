import ArgumentParser
import Foundation
import SlipwayCore
import SlipwayEngine
import SlipwayLedger

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline at a commit in the foreground: build, then promote through every stage.",
        discussion: """
            A run is (pipeline, commit): running the same commit again continues where the ledger says it stopped \
            (finished stages are not repeated; an unfinished promotion is resumed). A stage that waits for approval \
            waits until `slipway promote --env ENV`. Exits 0 when every stage succeeded, 1 otherwise.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "The pipeline (default: the only one).")
    var pipeline: String?

    @Option(name: .long, help: "The git revision to run: a branch, tag or commit.")
    var rev: String = "HEAD"

    @Option(name: .long, help: "Who started the run, for the ledger (default: $USER).")
    var actor: String?

    @OptionGroup var notifications: NotifyOptions

    @OptionGroup var sandbox: BuildSandboxOptions

    @OptionGroup var policy: PolicyOptions

    func run() async throws {
        try await runReportingFailures {
            let repository = try SpecSource(options: global).repositoryPath()
            let printer = ProgressPrinter()
            let who = CurrentUser.name(or: actor)
            let outcome = try await DatabaseSource.withLedger(global) { ledger in
                try await notifications.withNotifier(ledger: ledger, logger: global.makeLogger(), announce: printer.line) { notifier in
                    var coordinator = RunCoordinator(
                        stateDirectory: global.resolvedStateDirectory, repositoryPath: repository, ledger: ledger, actor: who,
                        logger: global.makeLogger(), progress: { printer.print($0); notifier.observe($0) },
                        buildSandbox: sandbox.settings(global)
                    )
                    coordinator.policyRef = policy.resolved
                    return try await coordinator.run(pipeline: pipeline, revision: rev)
                }
            }
            print("run \(outcome.run.id) \(outcome.run.status.rawValue)")
            for promotion in outcome.promotions {
                print("  \(promotion.environment): \(promotion.releaseID) \(promotion.status.rawValue)" + (promotion.reason.map { " — \($0)" } ?? ""))
            }
            if outcome.run.status != .succeeded { throw ExitCode.failure }
        }
    }
}
