import AsyncHTTPClient
import Foundation
import NIOCore
import SlipwayServer

/// The few calls the CLI makes to `slipway serve`'s HTTP API, as the token's person. An error
/// answer becomes a ``CommandError`` with the server's own message (the same words the CLI
/// prints when it goes to the database itself).
struct APIClient {
    /// The server's base URL, without a trailing slash.
    let server: String
    let token: String

    /// `POST /api/v1/promotions/{id}/approvals`.
    func decide(promotionID: Int64, _ body: GateDecisionBody) async throws -> GateDecisionAnswer {
        var request = HTTPClientRequest(url: server + "/api/v1/promotions/\(promotionID)/approvals")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        return try await send(request)
    }

    /// `GET /api/v1/pending`.
    func pending() async throws -> [PendingGate] {
        var request = HTTPClientRequest(url: server + "/api/v1/pending")
        request.method = .GET
        return try await send(request)
    }

    static let timeout: TimeAmount = .seconds(30)
    /// No answer of these routes comes near this; a larger one is not from Slipway.
    static let maxAnswerBytes = 32 << 20

    /// Sends `request` with the token and reads the answer as `Answer`.
    func send<Answer: Decodable>(_ request: HTTPClientRequest) async throws -> Answer {
        var request = request
        let url = request.url
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "slipway-cli")
        // A client of its own: the shared one retries a refused connection until the deadline,
        // and a mistyped --server should fail at once.
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let answer: Result<(code: UInt, reason: String, data: Data), CommandError>
        do {
            let response = try await client.execute(request, timeout: Self.timeout)
            let data = Data(try await response.body.collect(upTo: Self.maxAnswerBytes).readableBytesView)
            answer = .success((response.status.code, response.status.reasonPhrase, data))
        } catch {
            answer = .failure(CommandError("cannot reach slipway serve at \(server): \(Self.plain(error))"))
        }
        try? await client.shutdown()
        let (code, reason, data) = try answer.get()
        guard (200..<300).contains(code) else {
            throw CommandError(Self.problemMessage(data) ?? "\(url) answered \(code) \(reason)")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(Answer.self, from: data)
        } catch {
            throw CommandError("\(url) answered \(code) with a body this slipway cannot read (is it a slipway serve of the same version?)")
        }
    }

    /// The message of an error answer `{"error": {"code", "message"}}`.
    static func problemMessage(_ data: Data) -> String? {
        struct Problem: Decodable {
            struct Detail: Decodable { var code: String; var message: String }
            var error: Detail
        }
        return (try? JSONDecoder().decode(Problem.self, from: data))?.error.message
    }

    /// A connection failure in a few words.
    static func plain(_ error: any Error) -> String {
        let text = String(describing: error)
        let lowered = text.lowercased()
        if lowered.contains("connection refused") || lowered.contains("connectionrefused") { return "connection refused" }
        if lowered.contains("deadlineexceeded") || lowered.contains("timeout") { return "no answer within \(timeout.nanoseconds / 1_000_000_000) s" }
        if lowered.contains("sslerror") || lowered.contains("handshake") || lowered.contains("certificate") { return "TLS failed (\(text))" }
        return text
    }
}
