/// The rules that span documents: names unique across files, stages that name
/// real environments in promotion order, references to checks and analyses
/// that exist, gates that point to earlier stages.
enum SpecValidator {
    /// `environmentsComplete` is false when some environment file could not be read;
    /// a stage naming an environment that is not in `set` is then not reported again.
    static func validate(_ set: SpecSet, environmentsComplete: Bool = true, _ diagnostics: DiagnosticCollector) {
        reportDuplicates(set.pipelines.map { ($0.name, $0.location) }, what: "pipeline", diagnostics)
        reportDuplicates(set.environments.map { ($0.name, $0.location) }, what: "environment", diagnostics)
        var orders: [Int: EnvironmentSpec] = [:]
        for environment in set.environments {
            if let other = orders[environment.order] {
                diagnostics.report(
                    "environment '\(environment.name)' has order \(environment.order), already taken by '\(other.name)' at \(other.location); each environment needs its own place in the promotion order",
                    at: environment.location
                )
            } else {
                orders[environment.order] = environment
            }
        }
        var ports: [Int: EnvironmentSpec] = [:]
        for environment in set.environments {
            guard case .local(let port) = environment.target else { continue }
            if let other = ports[port] {
                diagnostics.report("environment '\(environment.name)' uses local port \(port), already used by '\(other.name)'", at: environment.location)
            } else {
                ports[port] = environment
            }
        }
        for pipeline in set.pipelines {
            validate(pipeline, in: set, environmentsComplete: environmentsComplete, diagnostics)
        }
    }

    private static func validate(
        _ pipeline: PipelineSpec, in set: SpecSet, environmentsComplete: Bool, _ diagnostics: DiagnosticCollector
    ) {
        reportDuplicates(pipeline.checks.map { ($0.name, $0.location) }, what: "check", diagnostics)
        reportDuplicates(pipeline.analyses.map { ($0.name, $0.location) }, what: "analysis", diagnostics)
        let known = set.environments.map(\.name)
        var seen: [String: StageSpec] = [:]
        var previous: (stage: StageSpec, environment: EnvironmentSpec)?
        for stage in pipeline.stages {
            if let earlier = seen[stage.environment] {
                diagnostics.report(
                    "environment '\(stage.environment)' already has a stage at \(earlier.location); a pipeline promotes to each environment once",
                    at: stage.location
                )
                continue
            }
            seen[stage.environment] = stage
            guard let environment = set.environment(named: stage.environment) else {
                guard environmentsComplete else { continue }
                var message = "unknown environment '\(stage.environment)'; "
                message += known.isEmpty ? "no environments are defined in environments/" : "expected one of: \(known.sorted().joined(separator: ", "))"
                if let suggestion = closestMatch(to: stage.environment, among: known) { message += " (did you mean '\(suggestion)'?)" }
                diagnostics.report(message, at: stage.location)
                continue
            }
            if let previous {
                if environment.order < previous.environment.order {
                    diagnostics.report(
                        "stage '\(stage.environment)' (order \(environment.order)) comes after '\(previous.environment.name)' (order \(previous.environment.order)); stages must follow the environments' order",
                        at: stage.location
                    )
                } else {
                    let skipped = set.orderedEnvironments.filter {
                        $0.order > previous.environment.order && $0.order < environment.order && seen[$0.name] == nil
                    }
                    if !skipped.isEmpty {
                        diagnostics.report(
                            "stage '\(stage.environment)' skips \(skipped.map { "'\($0.name)'" }.joined(separator: ", ")) between '\(previous.environment.name)' and '\(stage.environment)'; add a stage for it or remove the environment",
                            at: stage.location
                        )
                    }
                }
            }
            validateGate(stage, environment: environment, pipeline: pipeline, earlier: seen, diagnostics)
            validateReferences(stage, pipeline: pipeline, diagnostics)
            previous = (stage, environment)
        }
    }

    private static func validateGate(
        _ stage: StageSpec, environment: EnvironmentSpec, pipeline: PipelineSpec,
        earlier: [String: StageSpec], _ diagnostics: DiagnosticCollector
    ) {
        guard let gate = stage.after else { return }
        if gate.stage == stage.environment || earlier[gate.stage] == nil || !pipeline.stages.contains(where: { $0.environment == gate.stage }) {
            let before = pipeline.stages.prefix { $0.environment != stage.environment }.map(\.environment)
            diagnostics.report(
                "'after.stage' must name an earlier stage of this pipeline; expected one of: \(before.isEmpty ? "(none: this is the first stage)" : before.joined(separator: ", ")), found '\(gate.stage)'",
                at: gate.location
            )
        }
        if gate.approval, environment.approvals == nil {
            diagnostics.report(
                "stage '\(stage.environment)' asks for approval but environment '\(environment.name)' has no 'approvals' policy (at \(environment.location))",
                at: gate.location
            )
        }
    }

    private static func validateReferences(_ stage: StageSpec, pipeline: PipelineSpec, _ diagnostics: DiagnosticCollector) {
        let checkNames = pipeline.checks.map(\.name)
        func requireCheck(_ name: String, _ role: String) {
            guard pipeline.check(named: name) == nil else { return }
            var message = "unknown check '\(name)' in \(role) of stage '\(stage.environment)'; "
            message += checkNames.isEmpty ? "define it under spec.checks" : "expected one of: \(checkNames.joined(separator: ", "))"
            diagnostics.report(message, at: stage.location)
        }
        stage.checks.forEach { requireCheck($0, "'checks'") }
        switch stage.strategy {
        case .blueGreen(let blueGreen):
            blueGreen.previewChecks.forEach { requireCheck($0, "'previewChecks'") }
        case .canary(let canary):
            for case .analysis(let name) in canary.steps where pipeline.analysis(named: name) == nil {
                let names = pipeline.analyses.map(\.name)
                diagnostics.report(
                    "unknown analysis '\(name)' in the canary of stage '\(stage.environment)'; " +
                        (names.isEmpty ? "define it under spec.analyses" : "expected one of: \(names.joined(separator: ", "))"),
                    at: stage.location
                )
            }
        }
    }
}
