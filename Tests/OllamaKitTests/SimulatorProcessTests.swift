import Foundation
import OllamaKit
import SlipwayTestSupport
import Testing

extension Ollama {
    /// The `ollama-sim` process itself: its help, its flags, its shutdown.
    @Suite struct SimulatorProcessTests {
        @Test func helpSaysItIsATestDouble() throws {
            let output = try run(["--help"])
            #expect(output.status == 0)
            #expect(output.text.contains("TEST DOUBLE"))
            #expect(output.text.contains("--faults"))
            #expect(output.text.contains("--queue-full"))
        }

        @Test func badFaultFlagsAreRejectedWithAMessage() throws {
            let output = try run(["--error-rate", "sim-small=2"])
            #expect(output.status != 0)
            #expect(output.text.contains("the rate must be a number from 0 to 1"))
            let drift = try run(["--drift", "sim-small=sideways"])
            #expect(drift.text.contains("use length or wording"))
        }

        @Test func sigtermShutsDownGracefully() async throws {
            try await SimulatorFixture.withSimulator { client, process in
                let version = try await client.version()
                #expect(version == "0.12.6-sim")
                #expect(process.output.contains("test double"))
                await process.stop()
                #expect(!process.isRunning)
                #expect(process.terminationStatus == 0)
                #expect(!BackgroundProcess.portAnswers(process.port))
            }
        }

        private func run(_ arguments: [String]) throws -> (status: Int32, text: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try BuiltExecutable.path(named: "ollama-sim"))
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }
    }
}
