import Foundation
import SlipwayTestSupport
import Testing

extension ModelServeServer {
    @Suite("several upstreams")
    struct FailoverTests {
        @Test("requests spread over two healthy sims, and all go to the survivor when one dies")
        func failoverBetweenTwoSims() async throws {
            try await ServeFixture.with(sims: [[], []]) { fixture in
                try await fixture.waitUntilReady()
                let body = #"{"prompt": "x", "max_tokens": 1}"#
                for _ in 0..<6 {
                    #expect(try await fixture.send("/v1/generate", key: fixture.fullKey, json: body).status == 200)
                }
                let first = try await ServeFixture.statistics(of: fixture.sims[0])
                let second = try await ServeFixture.statistics(of: fixture.sims[1])
                #expect(first.requests + second.requests == 6)
                #expect(first.requests > 0 && second.requests > 0, "least-loaded choice with rotating ties uses both")

                await fixture.sims[0].stop()
                for _ in 0..<6 {
                    let answer = try await fixture.send("/v1/generate", key: fixture.fullKey, json: body)
                    #expect(answer.status == 200, "\(answer.body)")
                }
                let after = try await ServeFixture.statistics(of: fixture.sims[1])
                #expect(after.requests == second.requests + 6)
                #expect(try await fixture.send(.GET, "/ready").status == 200)
                let metrics = try await fixture.send(.GET, "/metrics")
                #expect(metrics.body.contains(#"modelserve_upstream_healthy{upstream="http://127.0.0.1:\#(fixture.sims[0].port)",release="rel-test"} 0"#))

                await fixture.sims[1].stop()
                let none = try await fixture.send("/v1/generate", key: fixture.fullKey, json: body)
                #expect(none.status == 503)
                #expect(none.errorCode == "upstream_unavailable")
                let notReady = try await ServeFixture.eventually { try await fixture.send(.GET, "/ready").status == 503 }
                #expect(notReady)
            }
        }

        @Test("a sim whose queue is full (503) is skipped for the other")
        func busyUpstreamIsSkipped() async throws {
            try await ServeFixture.with(sims: [["--queue-full", "sim-small"], []]) { fixture in
                try await fixture.waitUntilReady()
                for _ in 0..<4 {
                    let answer = try await fixture.send("/v1/generate", key: fixture.fullKey, json: #"{"prompt": "x", "max_tokens": 1}"#)
                    #expect(answer.status == 200, "\(answer.body)")
                }
                #expect(try await ServeFixture.statistics(of: fixture.sims[1]).requests == 4)
            }
        }

        @Test("an upstream that answers garbage gets 502; one that hangs gets 504 at the deadline")
        func garbageAndHangingUpstreams() async throws {
            let scratch = try TemporaryDirectory(prefix: "bad-upstream")
            let script = scratch.path("bad_upstream.py")
            try BadUpstream.script.write(toFile: script, atomically: true, encoding: .utf8)
            for (mode, status, code) in [("garbage", 502, "upstream_error"), ("hang", 504, "deadline_exceeded")] {
                try await BackgroundProcess.withProcess(executable: "/usr/bin/python3", arguments: [script, mode]) { upstream in
                    try await ServeFixture.with(
                        sims: [], serve: ["--ollama", "http://127.0.0.1:\(upstream.port)", "--request-timeout", "1s"]
                    ) { fixture in
                        let answer = try await fixture.send("/v1/generate", key: fixture.fullKey, json: #"{"prompt": "x"}"#)
                        #expect(answer.status == status, "\(mode): \(answer.body)")
                        #expect(answer.errorCode == code, "\(mode): \(answer.body)")
                        #expect(try await fixture.send(.GET, "/health").status == 200)
                    }
                }
            }
        }
    }
}

/// A misbehaving upstream for the tests above (Python's standard library only): `garbage`
/// answers 200 with a body that is not JSON; `hang` accepts the request and never answers.
enum BadUpstream {
    static let script = #"""
    import http.server, os, signal, sys, time, threading
    mode = sys.argv[1]
    # Exit at once on SIGTERM, even when the parent left it blocked.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass
        def do_GET(self):
            self.reply(b'{"models": []}')
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            self.rfile.read(length)
            if mode == "hang":
                time.sleep(60)
            self.reply(b"<html>definitely not json</html>")
        def reply(self, body):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print("bad upstream listening on 127.0.0.1:%d" % server.server_address[1], flush=True)
    server.serve_forever()
    """#
}
