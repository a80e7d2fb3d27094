import ArgumentParser
import Foundation
import SlipwayCore

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

    struct Report: Encodable {
        var revision: String
        var commit: String
        var summary: String
        var plans: [ReleasePlan]
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
            if output == .json {
                try printJSON(Report(revision: rev, commit: snapshot.commit.id.sha, summary: snapshot.commit.summary, plans: plans))
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
            }
        }
    }
}
