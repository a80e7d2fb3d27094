import OllamaKit
import Testing

@testable import ModelServe

/// Settings checks, durations as written in flags, request ids and model names.
@Suite struct ServeConfigurationTests {
    static func valid() -> ServeConfiguration {
        var configuration = ServeConfiguration()
        configuration.models = ["sim-small"]
        configuration.keysFile = "/tmp/modelserve-keys.json"
        return configuration
    }

    /// The message `validate()` fails with, or nil when it passes.
    static func failure(_ change: (inout ServeConfiguration) -> Void) -> String? {
        var configuration = valid()
        change(&configuration)
        do {
            try configuration.validate()
            return nil
        } catch {
            return error.message
        }
    }

    // MARK: - ServeConfiguration

    @Test func minimalConfigurationIsValid() throws {
        try Self.valid().validate()
        #expect(Self.valid().defaultModel == "sim-small")
    }

    @Test func missingModelNamesTheFlag() throws {
        let message = try #require(Self.failure { $0.models = [] })
        #expect(message.contains("--model"))
        #expect(Self.failure { $0.models = [""] }?.contains("--model") == true)
    }

    @Test func missingKeysFileNamesTheFlag() throws {
        let message = try #require(Self.failure { $0.keysFile = "" })
        #expect(message.contains("--keys-file"))
    }

    @Test func badOllamaURLNamesTheFlagAndTheURL() throws {
        let message = try #require(Self.failure { $0.upstreams = ["http://127.0.0.1:11434", "127.0.0.1:11434"] })
        #expect(message.contains("--ollama"))
        #expect(message.contains("127.0.0.1:11434"))
        #expect(Self.failure { $0.upstreams = [] }?.contains("--ollama") == true)
        #expect(Self.failure { $0.upstreams = ["https://ollama.internal"] } == nil)
    }

    @Test func zeroMaxInFlightNamesTheFlag() throws {
        let message = try #require(Self.failure { $0.maxInFlight = 0 })
        #expect(message.contains("--max-in-flight"))
    }

    @Test func otherBadSettingsNameTheirFlags() {
        #expect(Self.failure { $0.port = 70000 }?.contains("--port") == true)
        #expect(Self.failure { $0.maxQueue = -1 }?.contains("--max-queue") == true)
        #expect(Self.failure { $0.requestTimeout = .zero }?.contains("--request-timeout") == true)
        #expect(Self.failure { $0.rateLimitPerSecond = 0 }?.contains("--rate-limit") == true)
        #expect(Self.failure { $0.limits.maxTokens = 0 }?.contains("--max-tokens") == true)
        #expect(Self.failure { $0.limits.maxBodyBytes = 10 }?.contains("--max-body-bytes") == true)
        #expect(Self.failure { $0.port = 0 } == nil, "port 0 picks a free port")
        #expect(Self.failure { $0.maxQueue = 0 } == nil)
    }

    // MARK: - DurationText

    @Test(arguments: [
        ("250ms", Duration.milliseconds(250)),
        ("2s", .seconds(2)),
        ("5m", .seconds(300)),
        ("1h", .seconds(3600)),
        ("1.5", .milliseconds(1500)),
        ("0", .zero),
        ("0.5s", .milliseconds(500)),
        (" 30s ", .seconds(30)),
    ])
    func durationTextParses(text: String, expected: Duration) {
        #expect(DurationText.parse(text) == expected)
    }

    @Test(arguments: ["-1s", "-1", "abc", "5x", "", "s", "ms", "1.5.2s", "nan", "inf", "1e300h", "1e15s"])
    func durationTextRejects(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    // MARK: - RequestID

    static func isGenerated(_ id: String) -> Bool {
        id.count == 32 && id.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    @Test func validRequestIDIsKept() {
        for id in ["abc-123", "req_1.2:3", "A", String(repeating: "z", count: 128)] {
            #expect(RequestID.accept(id) == id)
        }
    }

    @Test func unsafeRequestIDIsReplaced() {
        for id in ["has space", "new\nline", String(repeating: "z", count: 129), "", "ünïcode", "a/b", "\"quoted\""] {
            let accepted = RequestID.accept(id)
            #expect(accepted != id)
            #expect(Self.isGenerated(accepted), "replacement for \(id.debugDescription): \(accepted)")
        }
        #expect(Self.isGenerated(RequestID.accept(nil)))
    }

    @Test func generatedRequestIDsAre32HexDigitsAndDiffer() {
        let ids = (0..<100).map { _ in RequestID.make() }
        #expect(ids.allSatisfy(Self.isGenerated))
        #expect(Set(ids).count == ids.count)
    }

    // MARK: - OllamaModelName

    @Test func modelNameWithoutTagMeansLatest() {
        #expect(OllamaModelName.normalized("llama3.2") == "llama3.2:latest")
        #expect(OllamaModelName.normalized("llama3.2:1b") == "llama3.2:1b")
        #expect(OllamaModelName.normalized("sim-small:latest") == "sim-small:latest")
        #expect(OllamaModelName.normalized("library/llama3") == "library/llama3:latest")
        #expect(OllamaModelName.normalized("user/model:q4") == "user/model:q4")
    }

    @Test func registryPortIsNotMistakenForATag() {
        #expect(OllamaModelName.normalized("registry.local:5000/team/model") == "registry.local:5000/team/model:latest")
        #expect(OllamaModelName.normalized("registry.local:5000/team/model:v2") == "registry.local:5000/team/model:v2")
    }
}
