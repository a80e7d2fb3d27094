import ArgumentParser
import Foundation
import SlipwayCore
import SlipwayEngine
import SlipwayLedger
import SlipwayServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve webhook triggers, /healthz and /metrics, and run the pipeline for each new commit, until SIGTERM.",
        discussion: """
            Everything `slipway watch` does — poll the branch, run each new tip that touches the pipeline's source \
            paths, resume unfinished runs, check environments for drift — plus an HTTP server. POST /hooks/github \
            (X-Hub-Signature-256 checked with $\(WebhookSecrets.githubVariable)) and POST /hooks/gitlab (X-Gitlab-Token \
            checked against $\(WebhookSecrets.gitlabVariable)) make the watcher poll at once on a push to the branch; \
            the commit is read from git, never from the payload. Without a secret its route answers 404. The poll \
            every --interval goes on, so a lost delivery delays a run, never drops it. GET /healthz, GET /metrics \
            (Prometheus) and GET /openapi.json describe the rest. SIGTERM or SIGINT lets requests in flight finish, \
            then stops polling and the runs under way after their current step; the next start resumes them.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Where to listen: HOST:PORT, [IPv6]:PORT, or :PORT for every interface; port 0 picks a free one.", valueName: "host:port"))
    var listen: String = "127.0.0.1:8080"

    @Option(name: .long, help: ArgumentHelp("A PEM certificate chain: serve HTTPS (with --tls-key).", valueName: "file"))
    var tlsCertificate: String?

    @Option(name: .long, help: ArgumentHelp("The PEM private key of --tls-certificate.", valueName: "file"))
    var tlsKey: String?

    @Option(name: .long, help: "The pipeline (default: the only one).")
    var pipeline: String?

    @Option(name: .long, help: "How often to poll besides webhooks, e.g. 30s or 5m (default: the pipeline's pollInterval).")
    var interval: String?

    @Option(name: .long, help: "The largest request body read; larger ones are answered 413.")
    var maxBodyBytes: Int = 1 << 20

    @Option(name: .long, help: "Who the runs are recorded as started by.")
    var actor: String = "slipway-serve"

    @OptionGroup var notifications: NotifyOptions

    @OptionGroup var sandbox: BuildSandboxOptions

    @OptionGroup var policy: PolicyOptions

    @Option(name: .customLong("reader-group"), help: ArgumentHelp(
        "A group whose tokens may read the audit API and pending gates; repeat for more (default: \(AccessPolicy.defaultReaderGroups.joined(separator: ", "))).",
        valueName: "group"
    ))
    var readerGroups: [String] = []

    @OptionGroup var oidc: OIDCOptions

    func validate() throws {
        guard ListenAddress(listen) != nil else {
            throw ValidationError("--listen \(listen): expected HOST:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:8443")
        }
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-certificate and --tls-key go together: give both to serve HTTPS, or neither")
        }
        if let interval, SpecDuration.parse(interval) == nil {
            throw ValidationError("--interval \(interval): expected a duration such as 30s or 5m")
        }
        guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes must be at least 1024") }
        _ = try oidc.configuration()
    }

    func run() async throws {
        try await runReportingFailures {
            let source = SpecSource(options: global)
            let snapshot = try source.snapshot(at: "HEAD")
            guard case .success(let specs) = SpecLoader.load(snapshot.files) else {
                throw CommandError("the specs at HEAD are not valid; run `slipway validate`")
            }
            let spec = try specs.chosenPipeline(named: pipeline)
            let pollEvery = interval.flatMap(SpecDuration.parse) ?? spec.source.pollInterval
            var configuration = ServerConfiguration()
            configuration.listen = ListenAddress(listen) ?? configuration.listen
            if let tlsCertificate, let tlsKey {
                configuration.tls = .init(certificate: absolute(tlsCertificate), key: absolute(tlsKey))
            }
            configuration.secrets = WebhookSecrets.fromEnvironment()
            configuration.maxBodyBytes = maxBodyBytes
            if !readerGroups.isEmpty { configuration.access.readerGroups = readerGroups }
            configuration.oidc = try oidc.configuration()
            let printer = ProgressPrinter()
            let repository = try source.repositoryPath()
            let logger = global.makeLogger()
            try await DatabaseSource.withLedger(global) { ledger in
                try await notifications.withNotifier(ledger: ledger, logger: logger, announce: printer.line) { notifier in
                    let server = ReleaseServer(configuration: configuration, ledger: ledger, logger: logger)
                    var coordinator = RunCoordinator(
                        stateDirectory: global.resolvedStateDirectory, repositoryPath: repository, ledger: ledger, actor: actor,
                        trigger: .poll, logger: logger, progress: { progress in
                            printer.print(progress)
                            server.observe(progress)
                            notifier.observe(progress)
                        },
                        buildSandbox: sandbox.settings(global)
                    )
                    coordinator.policyRef = policy.resolved
                    let watcher = BranchWatcher(coordinator: coordinator, pipeline: spec.name, branch: spec.source.branch) {
                        try source.repositoryPath()
                    }
                    let drift = DriftWatch(
                        monitor: EnvironmentDriftMonitor(
                            ledger: ledger, stateDirectory: global.resolvedStateDirectory, actor: actor, logger: logger
                        ),
                        environments: specs.environments
                    ) { environment, report in printer.print(drift: report, in: environment) }
                    let hooks = [("github", configuration.secrets.github), ("gitlab", configuration.secrets.gitlab)]
                        .map { name, secret in "/hooks/\(name) \(secret == nil ? "off" : "on")" }.joined(separator: ", ")
                    if let oidc = configuration.oidc {
                        printer.line("accepting JWTs from \(oidc.issuer) for \(oidc.audience) (keys: \(oidc.jwks)) besides API tokens")
                    }
                    printer.line("watching \(spec.source.branch) of \(global.repo) for \(spec.name) every \(SpecDuration.format(pollEvery)); \(hooks)")
                    try await server.run(
                        trigger: PipelineTrigger(watcher: watcher, interval: pollEvery) { poll in printer.print(poll) },
                        drift: drift,
                        announce: { printer.line($0) }
                    )
                }
            }
            printer.line("stopped serving")
        }
    }
}
