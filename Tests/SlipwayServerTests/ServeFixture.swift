import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import SlipwayLedger
import SlipwayTestSupport
import Testing

/// Every `slipway serve` integration test, one at a time: each starts a real server process
/// against its own PostgreSQL database and git repository, and a 2-core machine does not run
/// many of those at once well.
@Suite(.serialized) enum SlipwayServe {}

/// A `slipway serve` process for one test: a fresh database, a git repository whose pipeline
/// `app` is released from `main`, and the server listening on a port the kernel chose, with
/// the webhook secrets below in its environment. The poll interval is an hour, so every run
/// after the first is one a webhook asked for.
///
/// The pipeline's build fails at once (`false`), so a run is recorded, built and finished in
/// well under a second and no environment is touched: these tests are about what starts runs.
struct ServeFixture {
    static let githubSecret = "It's a Secret to Everybody"
    static let gitlabToken = "gitlab-token-for-tests"

    let server: BackgroundProcess
    let repository: TemporaryGitRepository
    let state: TemporaryDirectory
    let database: DatabaseConfiguration

    var baseURL: String { "http://127.0.0.1:\(server.port)" }

    /// Starts the server (with `arguments` added, and `environment` assignments such as
    /// `NAME=value`, or `-u NAME` to remove one), waits for its first poll's run, runs `body`,
    /// and stops everything.
    static func with<T: Sendable>(
        arguments: [String] = [], environment: [String]? = nil, waitForFirstRun: Bool = true,
        _ body: (ServeFixture) async throws -> T
    ) async throws -> T {
        try await TestDatabase.withFreshDatabase { database in
            let repository = try makeRepository()
            let state = try TemporaryDirectory(prefix: "slipway-serve")
            let common = ["--repo", repository.path, "--database-url", database.url, "--state-dir", state.path]
            defer { _ = try? SlipwayBinary.run(["down"] + common) }
            let assignments = environment ?? [
                "SLIPWAY_GITHUB_WEBHOOK_SECRET=\(githubSecret)", "SLIPWAY_GITLAB_WEBHOOK_TOKEN=\(gitlabToken)",
            ]
            // Secrets reach the server only through its environment; `env` sets them and then
            // executes slipway in its own place (same pid, so SIGTERM reaches slipway itself).
            return try await BackgroundProcess.withProcess(
                executable: "/usr/bin/env",
                arguments: assignments + [try SlipwayBinary.path(), "serve", "--listen", "127.0.0.1:0", "--interval", "1h"]
                    + common + arguments,
                announcement: "listening on ", startupTimeout: .seconds(60)
            ) { server in
                let fixture = ServeFixture(server: server, repository: repository, state: state, database: database)
                if waitForFirstRun {
                    let head = try repository.git("rev-parse", "HEAD")
                    let first = try await fixture.waitForRun(of: head)
                    #expect(first?.trigger == "poll", "the first poll did not run HEAD: \(server.output)")
                }
                return try await body(fixture)
            }
        }
    }

    /// A repository whose one pipeline, `app`, builds with a command that fails at once.
    static func makeRepository() throws -> TemporaryGitRepository {
        let repository = try TemporaryGitRepository()
        try repository.write("pipelines/app.yaml", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: app }
            spec:
              source: { branch: main, paths: ["src/**", "pipelines/**", "environments/**"] }
              build:
                - { name: compile, run: ["false"], timeout: 1m, produces: { binary: "app" } }
              model: { name: sim-small }
              stages:
                - environment: dev
                  strategy: { blueGreen: {} }
            """)
        try repository.write("environments/dev.yaml", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: dev }
            spec:
              order: 1
              target: { local: { port: 29417 } }
            """)
        try repository.write("src/app.txt", "v0\n")
        try repository.commit("The app and its pipeline")
        return repository
    }

    /// Commits a change under `src/` (so the pipeline's paths match) and returns the new tip.
    func commitChange(_ label: String = UUID().uuidString) throws -> String {
        try repository.write("src/app.txt", label + "\n")
        return try repository.commit("Change \(label)")
    }

    // MARK: Deliveries

    /// A GitHub push payload; `after` is deliberately not the real tip (Slipway must not read it).
    static func githubPush(ref: String = "refs/heads/main", after: String = String(repeating: "dead", count: 10)) -> String {
        #"{"ref": "\#(ref)", "before": "\#(String(repeating: "0", count: 40))", "after": "\#(after)", "deleted": false, "repository": {"full_name": "example/app"}, "pusher": {"name": "ada"}}"#
    }

    /// `sha256=` and the HMAC-SHA256 of `body` keyed with `secret`, as GitHub signs.
    static func githubSignature(_ body: String, secret: String = githubSecret) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Sends a GitHub delivery, signed with `signature` (the right one for `body` by default; nil sends none).
    func github(
        event: String, body: String, delivery: String = UUID().uuidString, signature: String?? = .none,
        contentType: String = "application/json"
    ) async throws -> Answer {
        var headers = [("X-GitHub-Event", event), ("X-GitHub-Delivery", delivery), ("Content-Type", contentType)]
        switch signature {
        case .none: headers.append(("X-Hub-Signature-256", Self.githubSignature(body)))
        case .some(.some(let given)): headers.append(("X-Hub-Signature-256", given))
        case .some(.none): break
        }
        return try await send(.POST, "/hooks/github", body: body, headers: headers)
    }

    /// Sends a GitLab delivery with `token` (nil sends none).
    func gitlab(
        event: String = "Push Hook", body: String, token: String? = gitlabToken, idempotencyKey: String? = UUID().uuidString
    ) async throws -> Answer {
        var headers = [("X-Gitlab-Event", event), ("Content-Type", "application/json")]
        if let token { headers.append(("X-Gitlab-Token", token)) }
        if let idempotencyKey { headers.append(("Idempotency-Key", idempotencyKey)) }
        return try await send(.POST, "/hooks/gitlab", body: body, headers: headers)
    }

    // MARK: HTTP

    struct Answer: Sendable {
        var status: Int
        var body: String
        var elapsed: Duration

        func json() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], "not a JSON object: \(body)")
        }

        /// `status` of a delivery answer, or `error.code` of an error answer.
        var code: String? {
            guard let object = try? json() else { return nil }
            return object["status"] as? String ?? (object["error"] as? [String: Any])?["code"] as? String
        }

        var message: String {
            guard let object = try? json() else { return body }
            return object["message"] as? String ?? (object["error"] as? [String: Any])?["message"] as? String ?? body
        }
    }

    func send(_ method: HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)] = []) async throws -> Answer {
        try await Self.send(method, baseURL + path, body: body.map { ByteBuffer(string: $0) }, headers: headers)
    }

    static func send(
        _ method: HTTPMethod, _ url: String, body: ByteBuffer? = nil, headers: [(String, String)] = [],
        client: HTTPClient = .shared
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(body) }
        let start = ContinuousClock.now
        let response = try await client.execute(request, timeout: .seconds(20))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Answer(status: Int(response.status.code), body: String(buffer: bytes), elapsed: ContinuousClock.now - start)
    }

    // MARK: The ledger

    struct RunRow: Equatable {
        var id: String
        var trigger: String
        var status: String
    }

    /// The run of `commit`, waiting up to `limit` for it to appear and finish.
    func waitForRun(of commit: String, within limit: Duration = .seconds(30)) async throws -> RunRow? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let run = try await run(of: commit), ["succeeded", "failed", "cancelled"].contains(run.status) { return run }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await run(of: commit)
    }

    func run(of commit: String) async throws -> RunRow? {
        let rows = try await TestDatabase.column(
            "SELECT id || ' ' || trigger || ' ' || status FROM runs WHERE commit_sha = '\(commit)'", on: database
        )
        guard let row = rows.first??.split(separator: " ").map(String.init), row.count == 3 else { return nil }
        return RunRow(id: row[0], trigger: row[1], status: row[2])
    }

    func runCount() async throws -> Int {
        Int(try await TestDatabase.column("SELECT count(*)::text FROM runs", on: database).first.flatMap { $0 } ?? "") ?? -1
    }

    /// `provider/delivery_id/outcome` of every recorded delivery, oldest first.
    func deliveries() async throws -> [String] {
        try await TestDatabase.column(
            "SELECT provider || '/' || delivery_id || '/' || outcome FROM webhook_deliveries ORDER BY received_at", on: database
        ).compactMap { $0 }
    }

    /// Waits long enough for a woken watcher to have started a run (it takes milliseconds), to
    /// show that none came.
    static func settle() async throws {
        try await Task.sleep(for: .milliseconds(1500))
    }
}
