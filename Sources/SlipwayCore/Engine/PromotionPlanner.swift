/// Turns a stage of a pipeline into the steps of its promotion, in order.
///
/// Blue/green: gate → model → deploy (idle slot) → preview smoke checks → switch → live smoke
/// checks → retire the old slot after `scaleDownDelay`. Canary: gate → model → deploy (canary
/// slot) → the spec's setWeight / pause / analysis steps → live smoke checks → finalize (all
/// traffic to the canary) → retire the old slot. A check is a smoke or a drift step by its kind;
/// a drift check compares the new release with the one it replaces, so live it runs while the
/// old slot still runs (before retiring it).
public enum PromotionPlanner {
    ///
    /// The gate is the stage's `after:` alone; a runner plans with the gate it will apply
    /// (``steps(for:in:gate:)``), made stricter by the policy in effect.
    public static func steps(for stage: StageSpec, in pipeline: PipelineSpec) -> [PlannedStep] {
        steps(for: stage, in: pipeline, gate: stage.after.map { GateRequirements(afterStage: $0.stage, soak: $0.soak) })
    }

    /// The steps with `gate` as the stage's gate (none when nil).
    public static func steps(for stage: StageSpec, in pipeline: PipelineSpec, gate: GateRequirements?) -> [PlannedStep] {
        var steps: [PlannedStep] = []
        if let gate {
            var config: [String: JSONValue] = ["approval": .bool(gate.approvals != nil || stage.after?.approval == true)]
            if let after = gate.afterStage { config["after"] = .string(after) }
            if let soak = gate.soak { config["soakMs"] = .number(milliseconds(soak)) }
            let name = gate.afterStage.map { "gate after \($0)" } ?? "gate into \(stage.environment)"
            steps.append(PlannedStep(kind: .gate, name: name, config: .object(config)))
        }
        if let model = pipeline.model {
            var config: [String: JSONValue] = ["name": .string(model.name)]
            if let modelfile = model.modelfile { config["modelfile"] = .string(modelfile) }
            steps.append(PlannedStep(kind: .model, name: "model \(model.name)", config: .object(config)))
        }
        let liveChecks = stage.checks.compactMap { checkStep($0, target: "live", in: pipeline) }
        switch stage.strategy {
        case .blueGreen(let blueGreen):
            steps.append(PlannedStep(kind: .deploy, name: "deploy to the idle slot"))
            steps += blueGreen.previewChecks.compactMap { checkStep($0, target: "preview", in: pipeline) }
            if !blueGreen.autoPromote {
                // `autoPromote: false`: the preview waits for a person (`slipway promote`) before the switch.
                steps.append(PlannedStep(kind: .pause, name: "pause until promoted (switch on approval)", config: .object([:])))
            }
            steps.append(PlannedStep(kind: .switchTraffic, name: "switch traffic"))
            steps += liveChecks
            steps.append(PlannedStep(
                kind: .retire, name: "retire the previous release",
                config: .object(["delayMs": .number(milliseconds(blueGreen.scaleDownDelay))])
            ))
        case .canary(let canary):
            steps.append(PlannedStep(kind: .deploy, name: "deploy the canary"))
            for step in canary.steps {
                switch step {
                case .setWeight(let weight):
                    steps.append(PlannedStep(kind: .setWeight, name: "set weight \(weight)", config: .object(["weight": .number(Double(weight))])))
                case .pause(let duration?):
                    steps.append(PlannedStep(
                        kind: .pause, name: "pause \(SpecDuration.format(duration))", config: .object(["durationMs": .number(milliseconds(duration))])
                    ))
                case .pause(nil):
                    steps.append(PlannedStep(kind: .pause, name: "pause until promoted", config: .object([:])))
                case .analysis(let template):
                    steps.append(PlannedStep(kind: .analysis, name: "analysis \(template)", config: .object(["template": .string(template)])))
                }
            }
            steps += liveChecks
            steps.append(PlannedStep(kind: .finalize, name: "make the canary stable"))
            steps.append(PlannedStep(kind: .retire, name: "retire the previous release", config: .object(["delayMs": .number(0)])))
        }
        return steps
    }

    /// The step that runs the check named `name` against the new release directly (`preview`) or
    /// as it takes traffic (`live`); nil for a name the pipeline does not define (validation
    /// reports those).
    static func checkStep(_ name: String, target: String, in pipeline: PipelineSpec) -> PlannedStep? {
        guard let check = pipeline.checks.first(where: { $0.name == name }) else { return nil }
        let config = JSONValue.object(["check": .string(name), "target": .string(target)])
        switch check.kind {
        case .smoke: return PlannedStep(kind: .smoke, name: "smoke \(name) (\(target))", config: config)
        case .drift: return PlannedStep(kind: .drift, name: "drift \(name) (\(target))", config: config)
        }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
