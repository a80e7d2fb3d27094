import Hummingbird
import Logging
import NIOCore
import SlipwayEngine
import SlipwayLedger

/// `POST /hooks/github` and `POST /hooks/gitlab`: a delivery is read up to the size limit,
/// checked against the sender's secret before anything in it is parsed, recorded once (a
/// delivery id seen before is a duplicate and does nothing), and a push to the watched branch
/// wakes the watcher, which reads the tip from git and starts its run after the answer is sent.
struct WebhookRoutes: RouteGroup {
    let intake: WebhookIntake
    let ledger: Ledger
    let wakeUps: BranchWatcher.WakeUps
    let metrics: ServerMetrics
    let maxBodyBytes: Int
    let logger: Logger

    func register(on router: Router<ServerContext>) {
        router.post("/hooks/github") { request, _ in
            await receive(request, from: .github) { headers, body throws(WebhookIntake.Refused) in
                try intake.github(headers: headers, body: body)
            }
        }
        router.post("/hooks/gitlab") { request, _ in
            await receive(request, from: .gitlab) { headers, body throws(WebhookIntake.Refused) in
                try intake.gitlab(headers: headers, body: body)
            }
        }
    }

    /// What a delivery was answered with, for the JSON body.
    struct Answer: Encodable {
        var status: String
        var message: String
        var delivery: String
    }

    func receive(
        _ request: Request, from provider: WebhookDelivery.Provider,
        decide: (HTTPFields, [UInt8]) throws(WebhookIntake.Refused) -> WebhookIntake.Accepted
    ) async -> Response {
        let body: [UInt8]
        do {
            body = try await read(request)
        } catch {
            return refuse(error, provider: provider)
        }
        let accepted: WebhookIntake.Accepted
        do {
            accepted = try decide(request.headers, body)
        } catch {
            return refuse(error, provider: provider)
        }
        let delivery = accepted.delivery
        let recorded: WebhookDelivery?
        do {
            recorded = try await ledger.transaction { tx in try await tx.recordWebhookDelivery(delivery) }
        } catch {
            logger.error("cannot record a webhook delivery", metadata: [
                "provider": "\(provider.rawValue)", "delivery": "\(delivery.deliveryID)", "error": "\(error)",
            ])
            metrics.recordDelivery(provider: provider, outcome: "error")
            // The provider retries a 5xx; the poll loop catches the push meanwhile either way.
            return APIProblem(status: .serviceUnavailable, code: "ledger_unavailable", message: "the delivery could not be recorded; send it again").response
        }
        guard recorded != nil else {
            metrics.recordDelivery(provider: provider, outcome: "duplicate")
            logger.notice("duplicate webhook delivery", metadata: ["provider": "\(provider.rawValue)", "delivery": "\(delivery.deliveryID)"])
            return JSONAnswer.response(Answer(status: "duplicate", message: "duplicate delivery; nothing done", delivery: delivery.deliveryID))
        }
        metrics.recordDelivery(provider: provider, outcome: delivery.outcome.rawValue)
        logger.info("webhook delivery", metadata: [
            "provider": "\(provider.rawValue)", "delivery": "\(delivery.deliveryID)", "event": "\(delivery.event)",
            "outcome": "\(delivery.outcome.rawValue)",
        ])
        switch delivery.outcome {
        case .triggered:
            wakeUps.wake(.webhook)
            return JSONAnswer.response(Answer(status: "triggered", message: accepted.message, delivery: delivery.deliveryID), status: .accepted)
        case .ignored:
            return JSONAnswer.response(Answer(status: "ignored", message: accepted.message, delivery: delivery.deliveryID), status: .accepted)
        case .pong:
            return JSONAnswer.response(Answer(status: "pong", message: accepted.message, delivery: delivery.deliveryID))
        }
    }

    /// The raw body, refused (413) beyond the limit: by its declared length before reading, or
    /// as soon as more arrives than allowed.
    func read(_ request: Request) async throws(WebhookIntake.Refused) -> [UInt8] {
        let tooLarge = WebhookIntake.Refused(
            status: .contentTooLarge, code: "too_large", message: "the body is larger than \(maxBodyBytes) bytes; nothing was done"
        )
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBodyBytes { throw tooLarge }
        var request = request
        do {
            let buffer = try await request.collectBody(upTo: maxBodyBytes)
            return Array(buffer.readableBytesView)
        } catch {
            throw tooLarge
        }
    }

    func refuse(_ refusal: WebhookIntake.Refused, provider: WebhookDelivery.Provider) -> Response {
        metrics.recordDelivery(provider: provider, outcome: refusal.code)
        if refusal.status == .unauthorized {
            logger.warning("webhook delivery refused", metadata: ["provider": "\(provider.rawValue)", "reason": "\(refusal.message)"])
        }
        var response = APIProblem(status: refusal.status, code: refusal.code, message: refusal.message).response
        if refusal.status == .contentTooLarge { response.headers[.connection] = "close" }
        return response
    }
}
