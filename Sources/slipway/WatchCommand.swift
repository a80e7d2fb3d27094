import ArgumentParser
import Foundation
import SlipwayCore
import SlipwayEngine
import SlipwayLedger

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Poll the branch and run the pipeline for each new commit that touches its source paths, until SIGTERM.",
        discussion: """
            The interval is the pipeline's `source.pollInterval` unless --interval says otherwise. A remote --repo is \
            fetched on every poll. Each new tip starts its run at once, beside runs still under way (one waiting \
            for approval, say); environments take one promotion at a time, and a newer release supersedes an older \
            one waiting at an environment's gate. Runs left unfinished by a runner that died are resumed at start. \
            Environments whose spec has `drift:` are checked every drift.interval: HAProxy down, a slot's process \
            dead or a weight changed by hand is recorded (an environment.drift event) and, with selfHeal, repaired. \
            SIGTERM or SIGINT stops polling and the runs under way, each after its current step; the next `slipway \
            watch` or `slipway run` resumes them.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "The pipeline (default: the only one).")
    var pipeline: String?

    @Option(name: .long, help: "How often to poll, e.g. 1s or 30s (default: the pipeline's pollInterval).")
    var interval: String?

    @Option(name: .long, help: "Who the runs are recorded as started by.")
    var actor: String = "slipway-watch"

    @OptionGroup var notifications: NotifyOptions

    @OptionGroup var sandbox: BuildSandboxOptions

    @OptionGroup var policy: PolicyOptions

    func run() async throws {
        try await runReportingFailures {
            let source = SpecSource(options: global)
            let snapshot = try source.snapshot(at: "HEAD")
            guard case .success(let specs) = SpecLoader.load(snapshot.files) else {
                throw CommandError("the specs at HEAD are not valid; run `slipway validate`")
            }
            let spec = try specs.chosenPipeline(named: pipeline)
            var every = spec.source.pollInterval
            if let interval {
                guard let parsed = SpecDuration.parse(interval) else {
                    throw ValidationError("--interval \(interval): expected a duration such as 1s or 30s")
                }
                every = parsed
            }
            let pollEvery = every
            let printer = ProgressPrinter()
            let repository = try source.repositoryPath()
            print("watching \(spec.source.branch) of \(global.repo) for \(spec.name) every \(SpecDuration.format(every))")
            try await DatabaseSource.withLedger(global) { ledger in
                try await notifications.withNotifier(ledger: ledger, logger: global.makeLogger(), announce: printer.line) { notifier in
                    var coordinator = RunCoordinator(
                        stateDirectory: global.resolvedStateDirectory, repositoryPath: repository, ledger: ledger, actor: actor,
                        trigger: .poll, logger: global.makeLogger(), progress: { printer.print($0); notifier.observe($0) },
                        buildSandbox: sandbox.settings(global)
                    )
                    coordinator.policyRef = policy.resolved
                    let watcher = BranchWatcher(coordinator: coordinator, pipeline: spec.name, branch: spec.source.branch) {
                        try source.repositoryPath()
                    }
                    let monitor = EnvironmentDriftMonitor(
                        ledger: ledger, stateDirectory: global.resolvedStateDirectory, actor: actor, logger: global.makeLogger()
                    )
                    for (environment, _, settings) in EnvironmentDriftMonitor.watched(specs.environments) {
                        printer.line("checking \(environment.name) for drift every \(SpecDuration.format(settings.interval))"
                            + (settings.selfHeal ? " (self-heal)" : " (report only)"))
                    }
                    try await withSignalCancellation {
                        async let drift: Void = monitor.run(specs.environments) { environment, report in
                            printer.print(drift: report, in: environment)
                        }
                        try await watcher.run(interval: pollEvery) { poll in printer.print(poll) }
                        await drift
                    }
                }
            }
            print("stopped watching")
        }
    }
}

/// Runs `body` until it ends or SIGTERM/SIGINT arrives, which cancels it.
func withSignalCancellation(_ body: @escaping @Sendable () async throws -> Void) async throws {
    let task = Task { try await body() }
    let sources = [SIGTERM, SIGINT].map { number -> any DispatchSourceSignal in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { task.cancel() }
        source.resume()
        return source
    }
    defer { sources.forEach { $0.cancel() } }
    try await task.value
}
