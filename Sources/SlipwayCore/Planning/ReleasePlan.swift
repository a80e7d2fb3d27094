/// What a commit would run: for one pipeline, each stage's environment, gate,
/// strategy and checks, described the way a release manager reads them.
public struct ReleasePlan: Sendable, Equatable, Codable {
    public struct Stage: Sendable, Equatable, Codable {
        public var position: Int
        public var environment: String
        public var target: String
        public var gate: String
        public var strategy: String
        public var checks: [String]
        public var freeze: [String]
    }

    public var pipeline: String
    public var branch: String
    public var paths: [String]
    public var build: [String]
    public var scans: [String]
    public var model: String?
    public var stages: [Stage]

    public init(pipeline: PipelineSpec, specs: SpecSet) {
        self.pipeline = pipeline.name
        self.branch = pipeline.source.branch
        self.paths = pipeline.source.paths
        self.build = pipeline.build.map { step in
            let produced = step.produces.keys.sorted()
            return "\(step.name): \(step.run.joined(separator: " "))" + (produced.isEmpty ? "" : " → \(produced.joined(separator: ", "))")
        }
        self.scans = pipeline.scan.map(ReleasePlan.describe)
        self.model = pipeline.model.map { model in model.modelfile.map { "\(model.name) (from \($0))" } ?? model.name }
        self.stages = pipeline.stages.enumerated().map { index, stage in
            let environment = specs.environment(named: stage.environment)
            return Stage(
                position: index + 1,
                environment: stage.environment,
                target: environment?.target.summary ?? "?",
                gate: ReleasePlan.describeGate(stage, environment: environment),
                strategy: ReleasePlan.describe(stage.strategy),
                checks: stage.checks,
                freeze: environment?.freeze.map(\.summary) ?? []
            )
        }
    }

    static func describe(_ entry: ScanEntry) -> String {
        switch entry {
        case .vulnerabilities(let scan):
            var text = "\(scan.scanner.rawValue), fail on \(scan.failOn.rawValue)+"
            if scan.ignoreUnfixed { text += ", ignore unfixed" }
            if let file = scan.ignoreFile { text += ", ignores in \(file)" }
            if scan.optional { text += " (optional)" }
            return text
        case .sbom(let sbom):
            return "SBOM with \(sbom.tool.rawValue)" + (sbom.optional ? " (optional)" : "")
        }
    }

    static func describeGate(_ stage: StageSpec, environment: EnvironmentSpec?) -> String {
        guard let gate = stage.after else {
            return environment?.freeze.isEmpty == false ? "automatic, outside freeze windows" : "automatic"
        }
        var parts = ["after \(gate.stage) succeeds"]
        if let soak = gate.soak { parts.append("soak \(SpecDuration.format(soak))") }
        if gate.approval, let policy = environment?.approvals {
            var approval = "\(policy.required) approval\(policy.required == 1 ? "" : "s") from \(policy.approvers.map(\.description).joined(separator: ", "))"
            var conditions: [String] = []
            if policy.forbidSelfApproval { conditions.append("no self-approval") }
            if let expiry = policy.expiresAfter { conditions.append("valid \(SpecDuration.format(expiry))") }
            if !conditions.isEmpty { approval += " (\(conditions.joined(separator: ", ")))" }
            parts.append(approval)
        }
        if environment?.freeze.isEmpty == false { parts.append("outside freeze windows") }
        return parts.joined(separator: ", ")
    }

    static func describe(_ strategy: RolloutStrategy) -> String {
        switch strategy {
        case .blueGreen(let blueGreen):
            var text = "blue/green"
            if !blueGreen.previewChecks.isEmpty { text += ", preview checks \(blueGreen.previewChecks.joined(separator: ", "))" }
            text += blueGreen.autoPromote ? ", auto switch" : ", switch on approval"
            text += ", old colour kept \(SpecDuration.format(blueGreen.scaleDownDelay))"
            return text
        case .canary(let canary):
            var steps = canary.steps.map { step -> String in
                switch step {
                case .setWeight(let weight): return "\(weight)%"
                case .pause(let duration): return duration.map { "pause \(SpecDuration.format($0))" } ?? "pause until resumed"
                case .analysis(let name): return "analysis \(name)"
                }
            }
            if case .setWeight(100)? = canary.steps.last(where: { if case .setWeight = $0 { return true } else { return false } }) {
            } else {
                steps.append("100%")
            }
            return "canary " + steps.joined(separator: " → ")
        }
    }
}
