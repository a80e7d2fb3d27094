import ArgumentParser
import Foundation
import SlipwayCore
import SlipwayLedger

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the stages, gates and strategies a commit would run, without running anything."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "The git revision to plan: a branch, tag or commit.")
    var rev: String = "HEAD"

    @Option(name: .long, help: "Only this pipeline (default: all).")
    var pipeline: String?

    @Option(name: .long, help: "table (human-readable) or json.")
    var output: ReportFormat = .table

    @Flag(name: .long, help: ArgumentHelp(
        "Compare each stage with the policy in effect in its environment, read from the ledger (--database-url, DATABASE_URL or the embedded one): say which stages change an environment's policy, and how."
    ))
    var policy = false

    struct Report: Encodable {
        var revision: String
        var commit: String
        var summary: String
        var plans: [ReleasePlan]
        /// With --policy: for each stage, the policy judgement.
        var policies: [StagePolicy]?
    }

    /// How one stage's policy stands against the one in effect.
    struct StagePolicy: Encodable {
        var pipeline: String
        var environment: String
        /// `bootstraps`, `unchanged`, `changes`, or `refused` (the stage skips an environment of the order).
        var verdict: String
        var inEffect: String?
        var differences: [String]
        var message: String
    }

    /// The policy judgement of every stage of `pipelines` against the ledger.
    func stagePolicies(_ pipelines: [PipelineSpec], specs: SpecSet) async throws -> [StagePolicy] {
        let stages = pipelines.flatMap { pipeline in pipeline.stages.map { (pipeline, $0) } }
        let (all, inEffect) = try await DatabaseSource.withLedger(global) { ledger in
            try await ledger.transaction { tx in
                var byStage: [String: PolicyInEffect] = [:]
                for (pipeline, stage) in stages {
                    byStage["\(pipeline.name)/\(stage.environment)"] = try await tx.policyInEffect(
                        environment: stage.environment, pipeline: pipeline.name
                    )
                }
                return (try await tx.policiesInEffect(), byStage)
            }
        }
        let order = PromotionOrder(release: specs.environments, inEffect: all)
        return stages.compactMap { pipeline, stage -> StagePolicy? in
            guard let environment = specs.environment(named: stage.environment) else { return nil }
            func judged(_ verdict: String, _ current: PolicyInEffect?, _ differences: [String], _ message: String) -> StagePolicy {
                StagePolicy(
                    pipeline: pipeline.name, environment: stage.environment, verdict: verdict, inEffect: current?.version,
                    differences: differences, message: message
                )
            }
            if let refusal = order.refusal(of: stage, in: pipeline) { return judged("refused", nil, [], "\(refusal)") }
            guard let current = inEffect["\(pipeline.name)/\(stage.environment)"] else {
                return judged("bootstraps", nil, [], "no policy in effect in \(stage.environment) yet: this release's own would bootstrap it")
            }
            guard let change = PolicyChange.between(inEffect: current, release: EnvironmentPolicy(stage: stage, environment: environment)) else {
                return judged("unchanged", current, [], "the \(current.version) applies unchanged")
            }
            return judged(
                "changes", current, change.differences.map(\.description), "\(change.headline); it needs the approvals of the \(current.version)"
            )
        }
    }

    func run() async throws {
        try await runReportingFailures {
            let snapshot = try SpecSource(options: global).snapshot(at: rev)
            let specs: SpecSet
            switch SpecLoader.load(snapshot.files) {
            case .success(let loaded): specs = loaded
            case .failure(let error):
                throw CommandError("the specs at \(rev) (\(snapshot.commit.id.short)) are not valid; run `slipway validate --rev \(rev)`:\n\(error)")
            }
            var pipelines = specs.pipelines
            if let pipeline {
                guard let match = specs.pipeline(named: pipeline) else {
                    throw CommandError("there is no pipeline '\(pipeline)' at \(rev); pipelines: \(specs.pipelines.map(\.name).joined(separator: ", "))")
                }
                pipelines = [match]
            }
            let plans = pipelines.map { ReleasePlan(pipeline: $0, specs: specs) }
            let policies = policy ? try await stagePolicies(pipelines, specs: specs) : nil
            if output == .json {
                try printJSON(Report(
                    revision: rev, commit: snapshot.commit.id.sha, summary: snapshot.commit.summary, plans: plans, policies: policies
                ))
                return
            }
            for (index, plan) in plans.enumerated() {
                if index > 0 { print("") }
                print("pipeline \(plan.pipeline) at \(snapshot.commit.id.short) \"\(snapshot.commit.summary)\"")
                print("  trigger: push to \(plan.branch)" + (plan.paths.isEmpty ? "" : " touching \(plan.paths.joined(separator: ", "))"))
                for step in plan.build { print("  build:   \(step)") }
                for scan in plan.scans { print("  scan:    \(scan)") }
                if let model = plan.model { print("  model:   \(model)") }
                print("")
                var table = TextTable(["#", "ENVIRONMENT", "TARGET", "GATE", "STRATEGY", "CHECKS"])
                for stage in plan.stages {
                    table.add([
                        "\(stage.position)", stage.environment, stage.target, stage.gate, stage.strategy,
                        stage.checks.isEmpty ? "-" : stage.checks.joined(separator: ", "),
                    ])
                }
                print(table.render())
                let frozen = plan.stages.filter { !$0.freeze.isEmpty }
                for stage in frozen {
                    print("  freeze \(stage.environment): \(stage.freeze.joined(separator: "; "))")
                }
                for judged in policies ?? [] where judged.pipeline == plan.pipeline {
                    print("  policy \(judged.environment): \(judged.message)")
                    for difference in judged.differences { print("    \(difference)") }
                }
            }
        }
    }
}
