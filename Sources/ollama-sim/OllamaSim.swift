import ArgumentParser
import Foundation
import Hummingbird
import Logging

/// `ollama-sim`: a TEST DOUBLE that speaks a subset of Ollama's HTTP API with deterministic
/// output and injectable faults, for tests and demos on machines without Ollama. It runs no model:
/// its "text" is words chosen by hashing the model name and the prompt.
@main
struct OllamaSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ollama-sim",
        abstract: "A simulator of Ollama's API for tests and demos. A TEST DOUBLE: it runs no model.",
        discussion: """
        Serves /api/generate, /api/chat (NDJSON streaming or not), /api/embed, /api/tags, /api/show, \
        /api/ps, /api/pull, /api/create, /api/delete and /api/version. Output is deterministic: the same \
        base model and prompt always give the same words. Models sim-small:latest and sim-large:latest always \
        exist; --model adds more.

        Faults apply per model (MODEL may be `*` for every model) to generate, chat
        and embed, by flags:
          --latency MODEL=MS  --jitter MODEL=MS  --error-rate MODEL=0..1
          --queue-full MODEL  --slow-first-token MODEL=MS
          --drift MODEL=length|wording
        or by a JSON file (--faults FILE) keyed by model name:
          {"sim-small:latest": {"latencyMs": 200, "jitterMs": 50,
             "errorRate": 0.1, "queueFull": false, "firstTokenDelayMs": 300,
             "drift": "length"},
           "*": {"latencyMs": 5}}
        Flags override the file. A model created FROM another (/api/create) answers
        with its base's words and inherits the faults of its base and every ancestor;
        its own entry overrides theirs. SIGTERM or SIGINT shuts the server down gracefully.
        """
    )

    @Option(help: "The port to listen on (0: any free port; the chosen one is printed).")
    var port: Int = 11434

    @Option(help: "The address to bind; loopback unless you mean otherwise.")
    var host: String = "127.0.0.1"

    @Option(help: "A JSON file of faults per model (see above).")
    var faults: String?

    @Option(name: .customLong("model"), help: "A model to serve besides sim-small and sim-large (repeatable).")
    var models: [String] = []

    @Option(help: "Milliseconds between generated tokens (and between pull progress lines).")
    var tokenDelayMs: Int = 3

    @Option(help: "MODEL=MS: fixed delay before answering.")
    var latency: [String] = []

    @Option(help: "MODEL=MS: random extra delay of up to MS milliseconds.")
    var jitter: [String] = []

    @Option(help: "MODEL=RATE: fraction of requests answered 500 with an Ollama error body.")
    var errorRate: [String] = []

    @Option(help: "MODEL: answer every request 503 \"server busy\" (a full queue).")
    var queueFull: [String] = []

    @Option(help: "MODEL=MS: delay before the first token.")
    var slowFirstToken: [String] = []

    @Option(help: "MODEL=length|wording: output that drifts from the model's usual output.")
    var drift: [String] = []

    @Option(help: "The version /api/version reports.")
    var reportedVersion: String = "0.12.6-sim"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535, not \(port)") }
        guard tokenDelayMs >= 0 else { throw ValidationError("--token-delay-ms must not be negative") }
        _ = try faultPlan()
    }

    /// The faults from the file, then the flags.
    func faultPlan() throws -> FaultPlan {
        var plan = FaultPlan()
        if let faults {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: faults))
            } catch {
                throw ValidationError("cannot read the faults file \(faults): \(error.localizedDescription)")
            }
            do {
                for (model, fault) in try JSONDecoder().decode([String: Fault].self, from: data) {
                    plan.add(fault, for: model)
                }
            } catch {
                throw ValidationError("the faults file \(faults) is not a JSON object of model name → fault: \(error)")
            }
        }
        for (model, value) in try Self.pairs(latency, "--latency") {
            plan.add(Fault(latencyMs: try Self.milliseconds(value, "--latency")), for: model)
        }
        for (model, value) in try Self.pairs(jitter, "--jitter") {
            plan.add(Fault(jitterMs: try Self.milliseconds(value, "--jitter")), for: model)
        }
        for (model, value) in try Self.pairs(errorRate, "--error-rate") {
            guard let rate = Double(value), (0...1).contains(rate) else {
                throw ValidationError("--error-rate \(model)=\(value): the rate must be a number from 0 to 1")
            }
            plan.add(Fault(errorRate: rate), for: model)
        }
        for model in queueFull { plan.add(Fault(queueFull: true), for: model) }
        for (model, value) in try Self.pairs(slowFirstToken, "--slow-first-token") {
            plan.add(Fault(firstTokenDelayMs: try Self.milliseconds(value, "--slow-first-token")), for: model)
        }
        for (model, value) in try Self.pairs(drift, "--drift") {
            guard let kind = Fault.Drift(rawValue: value) else {
                throw ValidationError("--drift \(model)=\(value): use length or wording")
            }
            plan.add(Fault(drift: kind), for: model)
        }
        return plan
    }

    private static func pairs(_ values: [String], _ flag: String) throws -> [(String, String)] {
        try values.map { value in
            guard let equals = value.lastIndex(of: "="), equals != value.startIndex else {
                throw ValidationError("\(flag) \(value): expected MODEL=VALUE")
            }
            return (String(value[..<equals]), String(value[value.index(after: equals)...]))
        }
    }

    private static func milliseconds(_ value: String, _ flag: String) throws -> Int {
        guard let number = Int(value), number >= 0 else {
            throw ValidationError("\(flag): \(value) is not a number of milliseconds")
        }
        return number
    }

    func run() async throws {
        let simulator = Simulator(
            registry: ModelRegistry(extraModels: models), faults: try faultPlan(),
            tokenDelay: .milliseconds(tokenDelayMs), version: reportedVersion
        )
        var logger = Logger(label: "ollama-sim")
        logger.logLevel = .warning
        let host = self.host
        let app = Application(
            router: simulator.router(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "ollama-sim"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let line = "ollama-sim (a test double, not Ollama) listening on \(host):\(port)\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            },
            logger: logger
        )
        try await app.runService()
    }
}
