import Foundation
import HTTPTypes
import SlipwayLedger
import SlipwaySystem

/// Decides what a webhook delivery asks for, from its headers and raw body, without doing any
/// I/O: the signature or token first (nothing in the body is read before it checks out), then
/// the delivery id, the event and, for a push, its ref. The caller records the accepted
/// delivery (which tells a duplicate apart) and wakes the watcher.
struct WebhookIntake: Sendable {
    var secrets: WebhookSecrets
    /// The watched pipeline and its branch: pushes elsewhere are ignored.
    var pipeline: String
    var branch: String

    /// A delivery that checked out: what to record, and what to answer when it is new.
    struct Accepted: Sendable, Equatable {
        var delivery: NewWebhookDelivery
        var message: String
    }

    /// A delivery refused before it was recorded.
    struct Refused: Error, Sendable, Equatable {
        var status: HTTPResponse.Status
        /// Short and stable: the error body's code and the metric's `outcome` label.
        var code: String
        var message: String

        static func notConfigured(_ provider: WebhookDelivery.Provider, variable: String) -> Refused {
            Refused(
                status: .notFound, code: "not_configured",
                message: "\(provider.rawValue) webhooks are not enabled on this server (it was started without \(variable))"
            )
        }

        static func unauthorized(_ refusal: WebhookAuthentication.Refusal) -> Refused {
            Refused(status: .unauthorized, code: "unauthorized", message: refusal.message + "; nothing was done")
        }

        static func malformed(_ message: String) -> Refused {
            Refused(status: .badRequest, code: "malformed", message: message)
        }
    }

    static let githubEvent = HTTPField.Name("X-GitHub-Event")!
    static let githubDelivery = HTTPField.Name("X-GitHub-Delivery")!
    static let githubSignature = HTTPField.Name(WebhookAuthentication.githubHeader)!
    static let gitlabEvent = HTTPField.Name("X-Gitlab-Event")!
    static let gitlabToken = HTTPField.Name(WebhookAuthentication.gitlabHeader)!
    static let gitlabEventUUID = HTTPField.Name("X-Gitlab-Event-UUID")!
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!

    /// `POST /hooks/github`.
    func github(headers: HTTPFields, body: [UInt8]) throws(Refused) -> Accepted {
        guard let secret = secrets.github else { throw .notConfigured(.github, variable: WebhookSecrets.githubVariable) }
        if let refusal = WebhookAuthentication.verifyGitHub(signature: headers[Self.githubSignature], body: body, secret: secret) {
            throw .unauthorized(refusal)
        }
        let id = try Self.deliveryID(headers[Self.githubDelivery], named: "X-GitHub-Delivery")
        guard let event = headers[Self.githubEvent], !event.isEmpty else { throw .malformed("X-GitHub-Event is missing") }
        let object = try Self.object(body, contentType: headers[.contentType])
        let digest = Self.digest(body)
        switch event {
        case "ping":
            return Accepted(
                delivery: NewWebhookDelivery(provider: .github, deliveryID: id, event: event, ref: nil, outcome: .pong, bodyDigest: digest),
                message: "pong"
            )
        case "push":
            let push: PushPayload
            do { push = try PushPayload.github(object) } catch { throw .malformed(error.message) }
            return decide(push, provider: .github, id: id, event: event, digest: digest)
        default:
            return ignored(.github, id: id, event: event, ref: nil, digest: digest, because: "the \(event) event does not trigger runs")
        }
    }

    /// `POST /hooks/gitlab`.
    func gitlab(headers: HTTPFields, body: [UInt8]) throws(Refused) -> Accepted {
        guard let secret = secrets.gitlab else { throw .notConfigured(.gitlab, variable: WebhookSecrets.gitlabVariable) }
        if let refusal = WebhookAuthentication.verifyGitLab(token: headers[Self.gitlabToken], secret: secret) {
            throw .unauthorized(refusal)
        }
        // GitLab keeps the Idempotency-Key across its retries (GitLab 17.4 and later); older
        // versions send only the event's UUID.
        let id = try Self.deliveryID(
            headers[Self.idempotencyKey] ?? headers[Self.gitlabEventUUID], named: "Idempotency-Key or X-Gitlab-Event-UUID"
        )
        guard let event = headers[Self.gitlabEvent], !event.isEmpty else { throw .malformed("X-Gitlab-Event is missing") }
        let object = try Self.object(body, contentType: headers[.contentType])
        let digest = Self.digest(body)
        guard event == "Push Hook" || (event == "System Hook" && object["object_kind"] as? String == "push") else {
            return ignored(.gitlab, id: id, event: event, ref: nil, digest: digest, because: "the \(event) event does not trigger runs")
        }
        let push: PushPayload
        do { push = try PushPayload.gitlab(object) } catch { throw .malformed(error.message) }
        return decide(push, provider: .gitlab, id: id, event: event, digest: digest)
    }

    /// A push: to the watched branch, a poll; anywhere else, nothing.
    private func decide(_ push: PushPayload, provider: WebhookDelivery.Provider, id: String, event: String, digest: String) -> Accepted {
        let watched = "refs/heads/\(branch)"
        guard push.ref == watched else {
            return ignored(provider, id: id, event: event, ref: push.ref, digest: digest,
                           because: "a push to \(push.ref), not \(watched) (the branch \(pipeline) is released from)")
        }
        guard !push.deleted else {
            return ignored(provider, id: id, event: event, ref: push.ref, digest: digest, because: "\(watched) was deleted")
        }
        return Accepted(
            delivery: NewWebhookDelivery(
                provider: provider, deliveryID: id, event: event, ref: push.ref, outcome: .triggered, bodyDigest: digest,
                afterSHA: push.after, pushers: push.pushers
            ),
            message: "a push to \(watched): the watcher reads the branch's tip from git now and runs \(pipeline) if it is new"
        )
    }

    private func ignored(
        _ provider: WebhookDelivery.Provider, id: String, event: String, ref: String?, digest: String, because reason: String
    ) -> Accepted {
        Accepted(
            delivery: NewWebhookDelivery(provider: provider, deliveryID: id, event: event, ref: ref, outcome: .ignored, bodyDigest: digest),
            message: "ignored: \(reason)"
        )
    }

    static func deliveryID(_ value: String?, named header: String) throws(Refused) -> String {
        guard let value, !value.isEmpty else { throw .malformed("\(header) is missing: without it a replayed delivery cannot be recognised") }
        guard value.count <= NewWebhookDelivery.maximumIDLength, value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw .malformed("\(header) must be at most \(NewWebhookDelivery.maximumIDLength) printable ASCII characters")
        }
        return value
    }

    static func object(_ body: [UInt8], contentType: String?) throws(Refused) -> [String: Any] {
        do {
            return try PushPayload.object(from: body, contentType: contentType)
        } catch {
            throw .malformed(error.message)
        }
    }

    static func digest(_ body: [UInt8]) -> String {
        FileDigest.sha256(of: body)
    }
}
