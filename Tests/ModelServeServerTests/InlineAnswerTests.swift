import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SlipwayTestSupport
import Testing

extension ModelServeServer {
    /// The usual non-streamed generate and chat are answered on the connection's event loop
    /// (`InlineCompletionHandler`); everything else goes through the router. Callers must not be
    /// able to tell which path answered.
    @Suite("inline answers")
    struct InlineAnswerTests {
        /// Requests whose answers must not depend on the path: some taken inline, some handed on
        /// to the router (refusals, streams) — each with its own request id, so bodies compare whole.
        static func requests(_ fixture: ServeFixture) -> [(name: String, path: String, key: String?, body: String?, headers: [(String, String)])] {
            [
                ("generate", "/v1/generate", fixture.fullKey, #"{"prompt": "Say hello", "max_tokens": 6}"#, []),
                ("generate, every field", "/v1/generate", fixture.fullKey,
                 #"{"model": "sim-small", "prompt": "Tell me", "system": "be brief", "stream": false, "temperature": 0.5, "top_p": 0.9, "top_k": 20, "seed": 7, "stop": ["x"], "max_tokens": 9, "extra": {"ignored": [1, 2]}}"#, []),
                ("generate, escapes", "/v1/generate", fixture.fullKey, #"{"prompt": "quote \" and \u00e9 and \\n", "max_tokens": 4}"#, []),
                ("generate, deterministic", "/v1/generate", fixture.fullKey, #"{"prompt": "same", "temperature": 0, "max_tokens": 5}"#, []),
                ("generate, deterministic again (cache)", "/v1/generate", fixture.fullKey, #"{"prompt": "same", "temperature": 0, "max_tokens": 5}"#, []),
                ("chat", "/v1/chat", fixture.fullKey, #"{"messages": [{"role": "system", "content": "brief"}, {"role": "user", "content": "hi"}], "max_tokens": 7}"#, []),
                ("generate, short timeout asked", "/v1/generate", fixture.fullKey, #"{"prompt": "a", "max_tokens": 2}"#, [("X-Request-Timeout", "5s")]),
                ("no key", "/v1/generate", nil, #"{"prompt": "a"}"#, []),
                ("revoked key", "/v1/generate", fixture.revokedKey, #"{"prompt": "a"}"#, []),
                ("key without the route", "/v1/chat", fixture.generateOnlyKey, #"{"messages": [{"role": "user", "content": "hi"}]}"#, []),
                ("bad timeout", "/v1/generate", fixture.fullKey, #"{"prompt": "a"}"#, [("X-Request-Timeout", "soon")]),
                ("malformed JSON", "/v1/generate", fixture.fullKey, #"{"prompt": "#, []),
                ("wrong type", "/v1/generate", fixture.fullKey, #"{"prompt": 5}"#, []),
                ("empty prompt", "/v1/generate", fixture.fullKey, #"{"prompt": ""}"#, []),
                ("unknown model", "/v1/chat", fixture.fullKey, #"{"model": "gpt-9", "messages": [{"role": "user", "content": "hi"}]}"#, []),
                ("bad role", "/v1/chat", fixture.fullKey, #"{"messages": [{"role": "robot", "content": "hi"}]}"#, []),
                ("stream", "/v1/generate", fixture.fullKey, #"{"prompt": "stream it", "stream": true, "max_tokens": 4}"#, []),
                ("not JSON", "/v1/generate", fixture.fullKey, nil, [("Content-Type", "text/plain")]),
            ]
        }

        /// Each request's answer: status, the headers a caller may rely on, and the body.
        static func answers(_ fixture: ServeFixture) async throws -> [String] {
            try await fixture.waitUntilReady()
            var answers: [String] = []
            for (index, request) in requests(fixture).enumerated() {
                var headers = request.headers + [("X-Request-ID", "compare-\(index)")]
                var body = request.body
                if body == nil {
                    body = "prompt=a"
                    headers.append(("Content-Type", "text/plain"))
                }
                let answer = try await fixture.send(request.path, key: request.key, json: body, headers: headers)
                let kept = ["content-type", "content-length", "x-request-id", "retry-after", "www-authenticate", "server"]
                    .compactMap { name in answer.header(name).map { "\(name): \($0)" } }
                #expect(answer.header("date") != nil, "\(request.name): no Date header")
                answers.append("\(request.name) → \(answer.status)\n\(kept.joined(separator: "\n"))\n\(answer.body)")
            }
            return answers
        }

        @Test(
            "generate and chat answer the same on the event loop as through the router: successes, refusals, the cache, streams",
            arguments: [0, 1]
        )
        func sameAnswersEitherWay(upstreamKind: Int) async throws {
            let (_, upstreamURL) = Self.upstreamKinds[upstreamKind]
            let inline = try await ServeFixture.with(upstreamURL: upstreamURL) { try await Self.answers($0) }
            let routed = try await ServeFixture.with(serve: ["--router-only"], upstreamURL: upstreamURL) { try await Self.answers($0) }
            #expect(inline.count == routed.count)
            for (viaLoop, viaRouter) in zip(inline, routed) {
                #expect(viaLoop == viaRouter)
            }
            // The answers are what they claim to be, not two copies of one failure.
            #expect(inline[0].hasPrefix("generate → 200"))
            #expect(inline[4].contains(#""cached":true"#))
            #expect(inline[5].hasPrefix("chat → 200"))
            #expect(inline[7].hasPrefix("no key → 401"))
            #expect(inline[9].hasPrefix("key without the route → 403"))
            #expect(inline[10].hasPrefix("bad timeout → 422"))
            #expect(inline[11].hasPrefix("malformed JSON → 400"))
            #expect(inline[17].hasPrefix("not JSON → 415"))
        }

        @Test("pipelined requests on one connection are answered in order, whichever path answers each")
        func pipelinedRequestsKeepTheirOrder() async throws {
            try await ServeFixture.with { fixture in
                try await fixture.waitUntilReady()
                func post(_ path: String, _ id: String, _ body: String) -> String {
                    "POST \(path) HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(fixture.fullKey)\r\n"
                        + "Content-Type: application/json\r\nX-Request-ID: \(id)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
                }
                // Inline first (the rest wait behind it), then the router's (the inline-able one
                // behind it must wait for it), then inline again.
                let requests = [
                    post("/v1/generate", "p1", #"{"prompt": "first", "max_tokens": 3}"#),
                    post("/v1/embeddings", "p2", #"{"input": ["second"]}"#),
                    post("/v1/generate", "p3", #"{"prompt": "third", "max_tokens": 3}"#),
                    "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Request-ID: p4\r\n\r\n",
                    post("/v1/chat", "p5", #"{"messages": [{"role": "user", "content": "fifth"}], "max_tokens": 3}"#),
                ]
                let answers = try RawHTTPConnection.exchange(port: fixture.server.port, sending: requests.joined(), answers: requests.count)
                #expect(answers.map(\.status) == [200, 200, 200, 200, 200], "\(answers)")
                #expect(answers.map { $0.headers["x-request-id"] ?? "" } == ["p1", "p2", "p3", "p4", "p5"])
                #expect(answers[0].body.contains(#""id":"p1""#) && answers[2].body.contains(#""id":"p3""#))
                #expect(answers[1].body.contains("embeddings") && answers[4].body.contains(#""message""#))
            }
        }

        @Test("a request the router answers behind a refused one is still counted: a cache hit after it does not overtake it")
        func refusedRequestDoesNotLoseTheCount() async throws {
            try await ServeFixture.with(sims: [["--latency", "sim-small=400"]]) { fixture in
                try await fixture.waitUntilReady()
                let cached = #"{"prompt": "cached", "temperature": 0, "max_tokens": 3}"#
                #expect(try await fixture.send("/v1/generate", key: fixture.fullKey, json: cached).status == 200)
                func post(_ id: String, key: String, _ body: String) -> String {
                    "POST /v1/generate HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(key)\r\n"
                        + "Content-Type: application/json\r\nX-Request-ID: \(id)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
                }
                // Refused (the router answers 401), then a slow one the router must answer,
                // then one the cache could answer at once: it must wait its turn.
                // r3 is sent once r1's answer is back, while r2 is still upstream.
                let connection = try RawHTTPConnection(port: fixture.server.port)
                try connection.send(
                    post("r1", key: fixture.revokedKey, #"{"prompt": "x"}"#)
                        + post("r2", key: fixture.fullKey, #"{"prompt": "slow", "temperature": 0.7, "max_tokens": 3}"#)
                )
                let first = try connection.read(answers: 1)
                try connection.send(post("r3", key: fixture.fullKey, cached))
                let answers = first + (try connection.read(answers: 2))
                #expect(answers.map { $0.headers["x-request-id"] ?? "" } == ["r1", "r2", "r3"], "\(answers)")
                #expect(answers.map(\.status) == [401, 200, 200])
                #expect(answers[2].body.contains(#""cached":true"#))
            }
        }

        @Test("a client that leaves with requests pipelined behind an inline answer: none of them is started")
        func disconnectDropsWhatWaited() async throws {
            try await ServeFixture.with(sims: [["--latency", "sim-small=60000"]]) { fixture in
                try await fixture.waitUntilReady()
                func post(_ id: String, _ prompt: String) -> String {
                    let body = #"{"prompt": "\#(prompt)", "max_tokens": 2}"#
                    return "POST /v1/generate HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(fixture.fullKey)\r\n"
                        + "Content-Type: application/json\r\nX-Request-ID: \(id)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
                }
                let connection = try RawHTTPConnection(port: fixture.server.port)
                try connection.send(post("w1", "first") + post("w2", "second") + post("w3", "third"))
                #expect(try await fixture.gaugeBecomes("modelserve_upstream_in_flight", 1), "the first request never went upstream")
                connection.close()
                #expect(try await fixture.gaugeBecomes("modelserve_upstream_in_flight", 0, within: .seconds(20)))
                let stats = try await ServeFixture.statistics(of: fixture.sims[0])
                #expect(stats.requests == 1, "requests pipelined behind the abandoned one were started: \(stats)")
                // Counted as nginx's 499 (client closed request), not lost.
                let metrics = try await fixture.send(.GET, "/metrics").body
                #expect(metrics.contains(#"modelserve_requests_total{route="generate",status="499""#), "\(metrics)")
            }
        }

        /// The lean client takes plain `http://host:port` URLs; one with user info goes through
        /// OllamaClient (AsyncHTTPClient) instead — both answered inline.
        static let upstreamKinds: [(String, @Sendable (Int) -> String)] = [
            ("lean client", { "http://127.0.0.1:\($0)" }),
            ("OllamaClient", { "http://sim@127.0.0.1:\($0)" }),
        ]

        @Test(
            "a client that leaves before a non-streamed answer cancels the upstream request and frees its slot",
            arguments: [0, 1]
        )
        func disconnectCancelsTheUpstreamRequest(upstreamKind: Int) async throws {
            let (_, upstreamURL) = Self.upstreamKinds[upstreamKind]
            try await ServeFixture.with(
                sims: [["--latency", "sim-small=60000"]], serve: ["--max-in-flight", "1", "--max-queue", "0"], upstreamURL: upstreamURL
            ) { fixture in
                try await fixture.waitUntilReady()
                let leaving = Task {
                    try await fixture.send("/v1/generate", key: fixture.fullKey, json: #"{"prompt": "slow", "max_tokens": 2}"#, timeout: .seconds(60))
                }
                #expect(try await fixture.gaugeBecomes("modelserve_upstream_in_flight", 1), "the request never went upstream")
                leaving.cancel()  // the client closes its connection
                _ = await leaving.result
                // The sim would answer only after 60 s: the slot comes back because the upstream
                // request was abandoned, not answered.
                #expect(try await fixture.gaugeBecomes("modelserve_upstream_in_flight", 0, within: .seconds(20)))
            }
        }
    }
}

/// A TCP connection to a server on 127.0.0.1 written to and read from by hand: for pipelining,
/// which HTTP clients do not do, and for a client that leaves without reading.
final class RawHTTPConnection {
    struct Answer: CustomStringConvertible {
        var status: Int
        var headers: [String: String]
        var body: String
        var description: String { "\(status) \(headers["x-request-id"] ?? "-") \(body.prefix(80))" }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let fd: Int32
    private var received: [UInt8] = []

    /// Connects to 127.0.0.1:`port`; reads give up after `timeoutSeconds`.
    init(port: Int, timeoutSeconds: Int = 20) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Foundation.close(fd)
            throw Failure(description: "cannot connect to port \(port)")
        }
    }

    deinit { Foundation.close(fd) }

    /// Closes the connection (a client going away).
    func close() { shutdown(fd, Int32(SHUT_RDWR)) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, 0) }
            guard written > 0 else { throw Failure(description: "send failed after \(sent) bytes") }
            sent += written
        }
    }

    /// Reads until `count` whole answers (each with a Content-Length) have arrived.
    func read(answers count: Int) throws -> [Answer] {
        var answers: [Answer] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while answers.count < count {
            if let (answer, used) = Self.parse(received) {
                answers.append(answer)
                received.removeFirst(used)
                continue
            }
            let read = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard read > 0 else {
                throw Failure(description: "the connection ended after \(answers.count) of \(count) answers: \(answers)")
            }
            received += buffer[..<read]
        }
        return answers
    }

    /// Sends `text` on a new connection and reads `count` answers.
    static func exchange(port: Int, sending text: String, answers count: Int) throws -> [Answer] {
        let connection = try RawHTTPConnection(port: port)
        try connection.send(text)
        return try connection.read(answers: count)
    }

    /// The first whole answer in `bytes` and how many bytes it took, if it is all there.
    static func parse(_ bytes: [UInt8]) -> (Answer, Int)? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else { return nil }
        let head = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(head[0].split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let bodyStart = end + 4
        guard bytes.count >= bodyStart + length else { return nil }
        let body = String(decoding: bytes[bodyStart..<bodyStart + length], as: UTF8.self)
        return (Answer(status: status, headers: headers, body: body), bodyStart + length)
    }
}
