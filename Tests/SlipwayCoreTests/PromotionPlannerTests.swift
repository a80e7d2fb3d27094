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

    @Test("blue/green with an approval gate and preview checks before the switch")
    func blueGreenProd() throws {
        let steps = try plan("prod")
        #expect(steps.map(\.kind) == [.gate, .model, .deploy, .smoke, .switchTraffic, .retire])
        #expect(steps[0].config["approval"] == .bool(true))
        #expect(steps[3].config["target"] == .string("preview"))
        #expect(steps[5].config["delayMs"] == .number(5_400_000))
    }
}
