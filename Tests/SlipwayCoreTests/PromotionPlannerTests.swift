import SlipwayCore
import Testing

@Suite("promotion planning")
struct PromotionPlannerTests {
    func plan(_ environment: String) throws -> [PlannedStep] {
        let specs = try loadSpecs(ExampleSpecs.all)
        let pipeline = try #require(specs.pipeline(named: "model-serve"))
        let stage = try #require(pipeline.stages.first { $0.environment == environment })
        return PromotionPlanner.steps(for: stage, in: pipeline)
    }

    @Test("blue/green without a gate: model, deploy, switch, live smoke checks, retire after the default delay")
    func blueGreenDev() throws {
        let steps = try plan("dev")
        #expect(steps.map(\.kind) == [.model, .deploy, .switchTraffic, .smoke, .retire])
        #expect(steps[0].config["name"] == .string("ramsey-model"))
        #expect(steps[0].config["modelfile"] == .string("models/Modelfile"))
        #expect(steps[3].config == .object(["check": .string("smoke"), "target": .string("live")]))
        #expect(steps[4].config["delayMs"] == .number(30_000))
    }

    @Test("canary: gate with soak, then the spec's steps in order, then the live smoke and drift checks before finalizing")
    func canaryStaging() throws {
        let steps = try plan("staging")
        #expect(steps.map(\.kind) == [
            .gate, .model, .deploy, .setWeight, .analysis, .setWeight, .pause, .setWeight, .smoke, .drift, .finalize, .retire,
        ])
        #expect(steps[0].config == .object(["after": .string("dev"), "approval": .bool(false), "soakMs": .number(300_000)]))
        #expect(steps[3].config["weight"] == .number(10))
        #expect(steps[4].config["template"] == .string("error-and-latency"))
        #expect(steps[6].config["durationMs"] == .number(120_000))
        #expect(steps[6].name == "pause 2m")
        #expect(steps[9].config == .object(["check": .string("drift"), "target": .string("live")]))
        #expect(steps[9].name == "drift drift (live)")
    }

    @Test("blue/green with an approval gate, preview checks, and autoPromote: false waiting for a person before the switch")
    func blueGreenProd() throws {
        let steps = try plan("prod")
        #expect(steps.map(\.kind) == [.gate, .model, .deploy, .smoke, .pause, .switchTraffic, .retire])
        #expect(steps[0].config["approval"] == .bool(true))
        #expect(steps[3].config["target"] == .string("preview"))
        #expect(steps[4].config == .object([:]), "a pause without a duration waits for `slipway promote`")
        #expect(steps[4].name == "pause until promoted (switch on approval)")
        #expect(steps[6].config["delayMs"] == .number(5_400_000))
    }

    @Test("a runner's gate replaces the stage's own: a gate into an environment with no after:, after the order's predecessor")
    func plannedWithTheEffectiveGate() throws {
        let specs = try loadSpecs(ExampleSpecs.all)
        let pipeline = try #require(specs.pipeline(named: "model-serve"))
        let dev = try #require(pipeline.stages.first)
        let gate = GateRequirements(afterStage: nil, approvals: ApprovalPolicy(required: 1, approvers: [.user("ada")]))
        let steps = PromotionPlanner.steps(for: dev, in: pipeline, gate: gate)
        #expect(steps.first?.kind == .gate)
        #expect(steps.first?.name == "gate into dev")
        #expect(steps.first?.config == .object(["approval": .bool(true)]))
        #expect(PromotionPlanner.steps(for: dev, in: pipeline, gate: nil).first?.kind == .model)
    }

    @Test("the promotion order: no stage skips the environment before it, known from the specs or only from the ledger")
    func promotionOrder() throws {
        let specs = try loadSpecs(ExampleSpecs.all)
        var pipeline = try #require(specs.pipeline(named: "model-serve"))
        let order = PromotionOrder(release: specs.environments, inEffect: [])
        #expect(order.predecessor(of: "prod") == "staging")
        #expect(order.predecessor(of: "dev") == nil)
        #expect(pipeline.stages.allSatisfy { order.refusal(of: $0, in: pipeline) == nil })

        // prod as the pipeline's only stage.
        let prodOnly = pipeline.stages.filter { $0.environment == "prod" }
        pipeline.stages = prodOnly
        let refusal = try #require(order.refusal(of: prodOnly[0], in: pipeline))
        #expect(refusal.description.hasPrefix("pipeline model-serve cannot promote to prod (order 3): a release reaches prod only through staging (order 2)"))

        // staging's file deleted and prod renumbered 2 by the commit: the ledger still knows both.
        var released = specs.environments.filter { $0.name != "staging" }
        released[released.firstIndex { $0.name == "prod" }!].order = 2
        let stagingInEffect = PolicyFixtures.inEffect(EnvironmentPolicy(environment: try #require(specs.environment(named: "staging")), gate: nil))
        let prodInEffect = PolicyFixtures.inEffect(EnvironmentPolicy(environment: try #require(specs.environment(named: "prod")), gate: nil))
        let known = PromotionOrder(release: released, inEffect: [stagingInEffect, prodInEffect])
        #expect(known.predecessor(of: "prod") == "staging")
        pipeline.stages = try #require(specs.pipeline(named: "model-serve")).stages.filter { $0.environment != "staging" }
        #expect(known.refusal(of: pipeline.stages[1], in: pipeline)?.predecessor == "staging")
    }
}
