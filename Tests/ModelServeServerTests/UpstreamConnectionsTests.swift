import AsyncHTTPClient
import Foundation
import NIOCore
import OllamaKit
import SlipwayTestSupport
import Testing

@testable import ModelServe

extension ModelServeServer {
    /// The lean HTTP/1.1 client ModelServe uses for non-streamed generate and chat, against real
    /// servers: a real `ollama-sim`, and small Python servers that close connections or hang.
    @Suite("lean upstream client")
    struct UpstreamConnectionsTests {
        static func withSim<T>(_ arguments: [String] = [], _ body: (BackgroundProcess, String) async throws -> T) async throws -> T {
            try await BackgroundProcess.withProcess(
                executable: try BuiltExecutable.path(named: "ollama-sim"), arguments: ["--port", "0", "--token-delay-ms", "0"] + arguments
            ) { sim in
                try await body(sim, "http://127.0.0.1:\(sim.port)")
            }
        }

        @Test("generate and chat answers are what OllamaClient gets, over reused keep-alive connections")
        func answersMatchOllamaClient() async throws {
            try await Self.withSim { sim, url in
                let connections = try #require(UpstreamConnections(baseURL: url, connectTimeout: .seconds(2)))
                defer { connections.shutdown() }
                let client = OllamaClient(baseURL: url, httpClient: HTTPClient.shared)
                let options = ModelOptions(temperature: 0, numPredict: 6, stop: ["never"])
                for prompt in ["Say \"hi\"", "ünïcödé / 👋\n"] {
                    let expected = GenerationPiece(try await client.generate(GenerateRequest(
                        model: "sim-small", prompt: prompt, system: "be brief", options: options
                    )))
                    for _ in 0..<3 {
                        let body = OllamaWire.generateBody(
                            model: "sim-small", prompt: prompt, system: "be brief", options: options, allocator: ByteBufferAllocator()
                        )
                        let answer = try await connections.post("/api/generate", body: body, timeout: .seconds(10))
                        let piece = try OllamaWire.piece(of: answer, decoding: GenerateResponse.self, route: "/api/generate", GenerationPiece.init)
                        #expect(piece.text == expected.text && piece.doneReason == expected.doneReason)
                        #expect(piece.metrics.evalCount == expected.metrics.evalCount)
                    }
                }
                let messages = [ChatBody.Message(role: "user", content: "Hi there")]
                let expected = GenerationPiece(try await client.chat(ChatRequest(
                    model: "sim-small", messages: [.user("Hi there")], options: options
                )))
                let answer = try await connections.post(
                    "/api/chat", body: OllamaWire.chatBody(model: "sim-small", messages: messages, options: options, allocator: ByteBufferAllocator()),
                    timeout: .seconds(10)
                )
                let piece = try OllamaWire.piece(of: answer, decoding: ChatResponse.self, route: "/api/chat", GenerationPiece.init)
                #expect(piece.text == expected.text && !piece.text.isEmpty)
                #expect(try await ServeFixture.statistics(of: sim).requests == 10)  // 2 × (1 + 3) generates, 2 chats
            }
        }

        @Test("Ollama's error answers become the OllamaErrors OllamaClient throws")
        func errorAnswers() async throws {
            try await Self.withSim(["--queue-full", "sim-small"]) { _, url in
                let connections = try #require(UpstreamConnections(baseURL: url, connectTimeout: .seconds(2)))
                defer { connections.shutdown() }
                let busy = try await Self.failure {
                    _ = try await connections.post(
                        "/api/generate", body: ByteBuffer(string: #"{"model":"sim-small","prompt":"x","stream":false}"#), timeout: .seconds(10)
                    )
                }
                #expect(busy?.code == .serverBusy && busy?.status == 503)
                let missing = try await Self.failure {
                    _ = try await connections.post(
                        "/api/generate", body: ByteBuffer(string: #"{"model":"nope","prompt":"x","stream":false}"#), timeout: .seconds(10)
                    )
                }
                #expect(missing?.code == .modelNotFound, "\(String(describing: missing))")
            }
        }

        @Test("a refused connection is connectionFailed (so the pool fails over); a hanging server is a timeout")
        func refusedAndHanging() async throws {
            let refused = try #require(UpstreamConnections(baseURL: "http://127.0.0.1:1", connectTimeout: .seconds(2)))
            let error = try await Self.failure {
                _ = try await refused.post("/api/generate", body: ByteBuffer(string: "{}"), timeout: .seconds(5))
            }
            #expect(error?.code == .connectionFailed)

            try await Self.withPythonServer(mode: "hang") { url in
                let connections = try #require(UpstreamConnections(baseURL: url, connectTimeout: .seconds(2)))
                defer { connections.shutdown() }
                let timedOut = try await Self.failure {
                    _ = try await connections.post("/api/generate", body: ByteBuffer(string: "{}"), timeout: .milliseconds(300))
                }
                #expect(timedOut?.code == .timeout)
            }
        }

        @Test("a kept-alive connection the server closes instead of answering is retried once on a new one")
        func serverClosingIdleConnections() async throws {
            try await Self.withPythonServer(mode: "close") { url in
                let connections = try #require(UpstreamConnections(baseURL: url + "/base/", connectTimeout: .seconds(2)))
                defer { connections.shutdown() }
                for _ in 0..<5 {
                    let answer = try await connections.post("/api/generate", body: ByteBuffer(string: "{}"), timeout: .seconds(10))
                    #expect(String(buffer: answer) == #"{"path": "/base/api/generate"}"#)
                }
            }
        }

        @Test("only plain http://host[:port][/path] URLs get a lean client")
        func urls() {
            #expect(UpstreamConnections(baseURL: "http://127.0.0.1:11434", connectTimeout: .seconds(1)) != nil)
            #expect(UpstreamConnections(baseURL: "http://ollama", connectTimeout: .seconds(1)) != nil)
            #expect(UpstreamConnections(baseURL: "http://[::1]:11434/", connectTimeout: .seconds(1)) != nil)
            #expect(UpstreamConnections(baseURL: "https://ollama:443", connectTimeout: .seconds(1)) == nil)
            #expect(UpstreamConnections(baseURL: "http://user@ollama:11434", connectTimeout: .seconds(1)) == nil)
            #expect(UpstreamConnections(baseURL: "http://ollama:port", connectTimeout: .seconds(1)) == nil)
        }

        static func failure(_ body: () async throws -> Void) async throws -> OllamaError? {
            do {
                try await body()
                Issue.record("no error")
                return nil
            } catch let error as OllamaError {
                return error
            }
        }

        /// `close`: answers the first request on a connection (HTTP/1.1, kept alive) and closes the
        /// connection without answering any later one, so every reused connection fails before an
        /// answer; `hang`: reads the request and never answers.
        static func withPythonServer(mode: String, _ body: (String) async throws -> Void) async throws {
            let scratch = try TemporaryDirectory(prefix: "lean-upstream")
            let script = scratch.path("server.py")
            try Self.script.write(toFile: script, atomically: true, encoding: .utf8)
            try await BackgroundProcess.withProcess(executable: "/usr/bin/python3", arguments: [script, mode]) { server in
                try await body("http://127.0.0.1:\(server.port)")
            }
        }

        static let script = #"""
        import http.server, os, signal, sys, time
        mode = sys.argv[1]
        # Exit at once on SIGTERM, even when the parent left it blocked.
        signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *args):
                pass
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if mode == "hang":
                    time.sleep(60)
                self.answered = getattr(self, "answered", 0) + 1
                if mode == "close" and self.answered > 1:
                    self.close_connection = True
                    return
                body = ('{"path": "%s"}' % self.path).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        print("python server listening on 127.0.0.1:%d" % server.server_address[1], flush=True)
        server.serve_forever()
        """#
    }
}
