extension StageSpec {
    static func decode(_ node: SpecNode, _ diagnostics: DiagnosticCollector) -> StageSpec? {
        guard let reader = MappingReader(
            node, what: "a stage", allowedKeys: ["environment", "after", "strategy", "checks"], diagnostics: diagnostics
        ) else { return nil }
        let environment = reader.string("environment", required: true)
        let after = reader.mapping("after", what: "'after' of a stage", allowedKeys: ["stage", "soak", "approval"]).flatMap { gate -> StageGateSpec? in
            guard let stage = gate.string("stage", required: true) else { return nil }
            return StageGateSpec(
                stage: stage, soak: gate.duration("soak"), approval: gate.bool("approval") ?? false, location: gate.location
            )
        }
        let strategy = decodeStrategy(reader)
        let checks = reader.stringList("checks") ?? []
        guard let environment, let strategy else { return nil }
        return StageSpec(
            environment: environment, location: reader.keyLocation("environment"), after: after,
            strategy: strategy, checks: checks
        )
    }

    private static func decodeStrategy(_ stage: MappingReader) -> RolloutStrategy? {
        guard let reader = stage.mapping(
            "strategy", what: "a strategy", allowedKeys: ["blueGreen", "canary"], required: true
        ) else { return nil }
        switch (reader.has("blueGreen"), reader.has("canary")) {
        case (true, false):
            guard let options = reader.value("blueGreen") else { return nil }
            if options.isNull { return .blueGreen(BlueGreenStrategy()) }
            guard let blueGreen = MappingReader(
                options, what: "blueGreen", allowedKeys: ["autoPromote", "previewChecks", "scaleDownDelay"],
                diagnostics: reader.diagnostics
            ) else { return nil }
            var strategy = BlueGreenStrategy()
            if let auto = blueGreen.bool("autoPromote") { strategy.autoPromote = auto }
            if let checks = blueGreen.stringList("previewChecks") { strategy.previewChecks = checks }
            if let delay = blueGreen.duration("scaleDownDelay") { strategy.scaleDownDelay = delay }
            return .blueGreen(strategy)
        case (false, true):
            guard let canary = reader.mapping("canary", what: "canary", allowedKeys: ["steps"]),
                  let stepNodes = canary.sequence("steps", required: true)
            else { return nil }
            let steps = stepNodes.compactMap { decodeCanaryStep($0, reader.diagnostics) }
            validateWeights(steps: steps, nodes: stepNodes, reader.diagnostics)
            if stepNodes.isEmpty {
                canary.report("a canary needs at least one step, e.g. [{ setWeight: 10 }, { pause: 5m }]", at: "steps")
            }
            guard steps.count == stepNodes.count else { return nil }
            return .canary(CanaryStrategy(steps: steps))
        default:
            reader.report("a strategy needs exactly one of 'blueGreen' or 'canary'")
            return nil
        }
    }

    private static func decodeCanaryStep(_ node: SpecNode, _ diagnostics: DiagnosticCollector) -> CanaryStep? {
        let keys = ["setWeight", "pause", "analysis"]
        guard let reader = MappingReader(node, what: "a canary step", allowedKeys: keys, diagnostics: diagnostics) else {
            return nil
        }
        let present = keys.filter { reader.has($0) }
        guard present.count == 1 else {
            reader.report("a canary step needs exactly one of 'setWeight', 'pause' or 'analysis', found \(present.isEmpty ? "none" : present.joined(separator: " and "))")
            return nil
        }
        switch present[0] {
        case "setWeight":
            return reader.int("setWeight", in: 0...100).map(CanaryStep.setWeight)
        case "pause":
            guard let value = reader.value("pause") else { return nil }
            if value.isNull { return .pause(nil) }
            if case .mapping(let mapping) = value.node, mapping.isEmpty { return .pause(nil) }
            return reader.duration("pause").map { CanaryStep.pause($0) }
        default:
            return reader.string("analysis").map(CanaryStep.analysis)
        }
    }

    /// Weights must rise step by step: a canary never moves traffic back by itself.
    private static func validateWeights(steps: [CanaryStep], nodes: [SpecNode], _ diagnostics: DiagnosticCollector) {
        var previous: Int?
        for node in nodes {
            guard case .mapping(let mapping) = node.node,
                  let entry = mapping.first(where: { node.child($0.key).scalarText == "setWeight" }),
                  let weight = node.child(entry.value).node.int,
                  (0...100).contains(weight)
            else { continue }
            if let previous, weight <= previous {
                diagnostics.report(
                    "setWeight must increase from step to step; \(weight) follows \(previous)",
                    at: node.child(entry.value).location
                )
            }
            previous = weight
        }
    }
}
