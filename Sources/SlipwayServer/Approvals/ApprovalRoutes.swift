import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat
import SlipwayCore
import SlipwayLedger

/// `POST /api/v1/promotions/{id}/approvals` and `GET /api/v1/pending`: what `slipway approve`,
/// `reject` and `pending` do against the database, over HTTP with an API token.
///
/// Every route runs behind ``CallerMiddleware`` (401 without a valid token). A decision is
/// recorded by the ledger exactly as the CLI records it (``GateDecisionRecording``), which
/// applies the gate's rules (403 when they refuse the caller) and NOTIFYs the runner waiting at
/// the gate as it commits. Reading the pending gates needs a reader (``AccessPolicy``).
struct ApprovalRoutes: RouteGroup {
    let ledger: Ledger
    let authenticator: any APICallerAuthenticator
    let access: AccessPolicy
    let maxBodyBytes: Int
    let logger: Logger

    func register(on router: Router<ServerContext>) {
        let api = router.group("/api/v1").add(middleware: CallerMiddleware(authenticator: authenticator))
        api.post("/promotions/{id}/approvals") { request, context in
            do {
                return try await decide(request, context: context)
            } catch let problem as APIProblem where problem.status == .contentTooLarge {
                // The rest of the body is not read; the connection goes with it.
                var response = problem.response
                response.headers[.connection] = "close"
                return response
            }
        }
        api.get("/pending") { _, context in
            try await pending(context: context)
        }
    }

    /// Records the caller's decision at promotion `{id}`'s gate: 201 with ``GateDecisionAnswer``.
    func decide(_ request: Request, context: ServerContext) async throws -> Response {
        let caller = try context.requireCaller()
        guard let idText = context.parameters.get("id"), let promotionID = Int64(idText), promotionID > 0 else {
            throw APIProblem(status: .badRequest, code: "malformed", message: "the promotion id in the path must be a positive number, as `slipway pending` shows it")
        }
        let body = try await decisionBody(request)
        do {
            let decided = try await GateDecisionRecording.record(
                ledger: ledger, caller: caller, promotionID: promotionID, verdict: body.verdict.decision, comment: body.comment,
                breakGlassReason: body.breakGlassReason
            )
            logger.info("gate decision recorded", metadata: [
                "promotion": "\(promotionID)", "user": "\(decided.approval.user)", "decision": "\(decided.approval.verdict.rawValue)",
                "breakGlass": "\(decided.approval.breakGlass)", "issuer": "\(decided.approval.issuer ?? "-")",
                "subject": "\(decided.approval.subject ?? "-")",
            ])
            return Self.answer(GateDecisionAnswer(decided), status: .created)
        } catch {
            guard let problem = ApprovalProblem.from(error) else { throw error }
            if problem.status == .forbidden {
                logger.notice("gate decision refused", metadata: ["promotion": "\(promotionID)", "user": "\(caller.user)"])
            }
            throw problem
        }
    }

    /// The gates waiting now, as ``PendingGate``s, oldest first.
    func pending(context: ServerContext) async throws -> Response {
        let caller = try context.requireCaller()
        try access.requireReader(caller)
        let gates = try await ledger.transaction { tx in try await tx.waitingGates() }
        let now = Date()
        return Self.answer(gates.map { PendingGate($0, at: now) })
    }

    /// The body as a decision: 413 beyond the limit, 400 when it is not JSON, 422 when it is
    /// JSON but not a decision.
    func decisionBody(_ request: Request) async throws -> GateDecisionBody {
        let tooLarge = APIProblem(status: .contentTooLarge, code: "too_large", message: "the body is larger than \(maxBodyBytes) bytes; nothing was recorded")
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBodyBytes { throw tooLarge }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maxBodyBytes)
        } catch {
            throw tooLarge
        }
        let json: JSONValue
        do {
            json = try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
        } catch {
            throw APIProblem(
                status: .badRequest, code: "malformed",
                message: "the body is not JSON; send {\"verdict\": \"approve\" or \"reject\", \"comment\": \"…\"} with Content-Type: application/json"
            )
        }
        switch GateDecisionBody.validate(json) {
        case .success(let body): return body
        case .failure(let mistake): throw APIProblem(status: .unprocessableContent, code: "invalid", message: mistake.message)
        }
    }

    /// JSON with sorted keys and ISO 8601 dates, as `slipway … --output json` prints.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func answer(_ body: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        do {
            return Response(
                status: status, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(data: try encoder.encode(body)))
            )
        } catch {
            return APIProblem(status: .internalServerError, code: "internal", message: "the answer could not be encoded").response
        }
    }
}
