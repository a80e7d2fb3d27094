import Foundation
import HTTPTypes
@testable import SlipwayServer
import SlipwayLedger
import Testing

/// What a delivery asks for, decided from its headers and raw body alone (no server, no database).
@Suite("webhook intake")
struct WebhookIntakeTests {
    let intake = WebhookIntake(
        secrets: WebhookSecrets(github: ServeFixture.githubSecret, gitlab: ServeFixture.gitlabToken), pipeline: "app", branch: "main"
    )

    func githubHeaders(event: String = "push", delivery: String? = "d-1", signature: String?) -> HTTPFields {
        var fields = HTTPFields()
        fields[HTTPField.Name("X-GitHub-Event")!] = event
        if let delivery { fields[HTTPField.Name("X-GitHub-Delivery")!] = delivery }
        if let signature { fields[HTTPField.Name("X-Hub-Signature-256")!] = signature }
        fields[.contentType] = "application/json"
        return fields
    }

    func refusal(_ body: () throws(WebhookIntake.Refused) -> WebhookIntake.Accepted) -> WebhookIntake.Refused? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }

    @Test("GitHub's example: the signature of \"Hello, World!\" with its documented secret")
    func githubDocumentedExample() {
        // From GitHub's "Validating webhook deliveries".
        let signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        #expect(WebhookAuthentication.verifyGitHub(signature: signature, body: Array("Hello, World!".utf8), secret: "It's a Secret to Everybody") == nil)
    }

    @Test("a signed push to the watched branch asks for a poll; the payload's commit is not used")
    func signedPushTriggers() throws {
        let body = ServeFixture.githubPush()
        let accepted = try intake.github(headers: githubHeaders(signature: ServeFixture.githubSignature(body)), body: Array(body.utf8))
        #expect(accepted.delivery.outcome == .triggered)
        #expect(accepted.delivery.ref == "refs/heads/main")
        #expect(accepted.delivery.deliveryID == "d-1")
        #expect(accepted.delivery.bodyDigest.hasPrefix("sha256:") && accepted.delivery.bodyDigest.count == 71)
        #expect(!accepted.message.contains("dead"))
    }

    @Test("a missing, malformed, wrongly keyed or stale signature is refused with 401 before the body is read")
    func badSignaturesAreRefused() {
        let body = ServeFixture.githubPush()
        let cases: [(String?, String)] = [
            (nil, "missing"),
            ("", "missing"),
            ("sha1=" + String(repeating: "a", count: 40), "not of the form"),
            ("sha256=zz" + String(repeating: "a", count: 62), "not of the form"),
            ("sha256=abc", "not of the form"),
            (ServeFixture.githubSignature(body, secret: "another secret"), "does not match"),
            (ServeFixture.githubSignature(body + " "), "does not match"),
        ]
        for (signature, expected) in cases {
            let refused = refusal { () throws(WebhookIntake.Refused) in
                try intake.github(headers: githubHeaders(signature: signature), body: Array(body.utf8))
            }
            #expect(refused?.status == .unauthorized, "\(String(describing: signature))")
            #expect(refused?.message.contains(expected) == true, "\(String(describing: refused))")
        }
        // Not JSON, and not signed: the signature is what is refused, nothing was parsed.
        let garbage = Array("{not json".utf8)
        let unsigned = refusal { () throws(WebhookIntake.Refused) in try intake.github(headers: githubHeaders(signature: nil), body: garbage) }
        #expect(unsigned?.status == .unauthorized)
    }

    @Test("ping is answered; other refs, tags, deleted branches and other events are ignored")
    func pingAndIgnored() throws {
        func deliver(_ event: String, _ body: String) throws -> WebhookIntake.Accepted {
            try intake.github(headers: githubHeaders(event: event, signature: ServeFixture.githubSignature(body)), body: Array(body.utf8))
        }
        #expect(try deliver("ping", #"{"zen": "Keep it logically awesome.", "hook_id": 1}"#).delivery.outcome == .pong)
        let feature = try deliver("push", ServeFixture.githubPush(ref: "refs/heads/feature"))
        #expect(feature.delivery.outcome == .ignored)
        #expect(feature.message.contains("refs/heads/feature") && feature.message.contains("refs/heads/main"))
        #expect(try deliver("push", ServeFixture.githubPush(ref: "refs/tags/v1")).delivery.outcome == .ignored)
        let deleted = try deliver("push", #"{"ref": "refs/heads/main", "deleted": true}"#)
        #expect(deleted.delivery.outcome == .ignored && deleted.message.contains("deleted"))
        let issues = try deliver("issues", #"{"action": "opened"}"#)
        #expect(issues.delivery.outcome == .ignored && issues.delivery.ref == nil)
    }

    @Test("a form-encoded delivery (GitHub's other content type) is read from its payload field")
    func formEncoded() throws {
        let json = ServeFixture.githubPush()
        let body = "payload=" + json.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        var headers = githubHeaders(signature: ServeFixture.githubSignature(body))
        headers[.contentType] = "application/x-www-form-urlencoded"
        #expect(try intake.github(headers: headers, body: Array(body.utf8)).delivery.outcome == .triggered)
    }

    @Test("a signed delivery without an id, with malformed JSON or a push without ref is refused with 400")
    func malformedDeliveries() {
        func refused(_ body: String, delivery: String? = "d-1", event: String = "push") -> WebhookIntake.Refused? {
            refusal { () throws(WebhookIntake.Refused) in
                try intake.github(
                    headers: githubHeaders(event: event, delivery: delivery, signature: ServeFixture.githubSignature(body)), body: Array(body.utf8)
                )
            }
        }
        #expect(refused(ServeFixture.githubPush(), delivery: nil)?.message.contains("X-GitHub-Delivery") == true)
        #expect(refused(ServeFixture.githubPush(), delivery: String(repeating: "x", count: 201))?.status == .badRequest)
        #expect(refused(ServeFixture.githubPush(), delivery: "bad id")?.status == .badRequest)
        #expect(refused(#"{"ref": "refs/heads/main""#)?.message == "the body is not valid JSON")
        #expect(refused(#"["refs/heads/main"]"#)?.message == "the body is not a JSON object")
        #expect(refused(#"{"after": "abc"}"#)?.message.contains("ref") == true)
        #expect(refused(#"{"zen": 1"#, event: "ping")?.status == .badRequest)
    }

    @Test("GitLab: the token is compared, Idempotency-Key is preferred to the event UUID, pushes to the branch trigger")
    func gitlab() throws {
        func headers(token: String?, event: String = "Push Hook", key: String? = nil, uuid: String? = nil) -> HTTPFields {
            var fields = HTTPFields()
            fields[HTTPField.Name("X-Gitlab-Event")!] = event
            if let token { fields[HTTPField.Name("X-Gitlab-Token")!] = token }
            if let key { fields[HTTPField.Name("Idempotency-Key")!] = key }
            if let uuid { fields[HTTPField.Name("X-Gitlab-Event-UUID")!] = uuid }
            return fields
        }
        let push = Array(#"{"object_kind": "push", "ref": "refs/heads/main", "after": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7"}"#.utf8)
        let accepted = try intake.gitlab(headers: headers(token: ServeFixture.gitlabToken, key: "key-1", uuid: "uuid-1"), body: push)
        #expect(accepted.delivery.outcome == .triggered && accepted.delivery.deliveryID == "key-1")
        #expect(try intake.gitlab(headers: headers(token: ServeFixture.gitlabToken, uuid: "uuid-1"), body: push).delivery.deliveryID == "uuid-1")
        let system = try intake.gitlab(headers: headers(token: ServeFixture.gitlabToken, event: "System Hook", key: "k"), body: push)
        #expect(system.delivery.outcome == .triggered)
        let tag = try intake.gitlab(headers: headers(token: ServeFixture.gitlabToken, event: "Tag Push Hook", key: "k"), body: push)
        #expect(tag.delivery.outcome == .ignored)
        let deleted = Array(#"{"ref": "refs/heads/main", "after": "0000000000000000000000000000000000000000"}"#.utf8)
        #expect(try intake.gitlab(headers: headers(token: ServeFixture.gitlabToken, key: "k"), body: deleted).delivery.outcome == .ignored)

        for token in [nil, "", "wrong", ServeFixture.gitlabToken + "x", String(ServeFixture.gitlabToken.dropLast())] {
            let refused = refusal { () throws(WebhookIntake.Refused) in try intake.gitlab(headers: headers(token: token, key: "k"), body: push) }
            #expect(refused?.status == .unauthorized, "\(String(describing: token))")
        }
        let anonymous = refusal { () throws(WebhookIntake.Refused) in try intake.gitlab(headers: headers(token: ServeFixture.gitlabToken), body: push) }
        #expect(anonymous?.status == .badRequest)
        #expect(anonymous?.message.contains("X-Gitlab-Event-UUID") == true)
    }

    @Test("without a secret, a provider's route answers 404 and says which variable enables it")
    func notConfigured() {
        let bare = WebhookIntake(secrets: WebhookSecrets(github: "", gitlab: nil), pipeline: "app", branch: "main")
        let body = ServeFixture.githubPush()
        let refused = refusal { () throws(WebhookIntake.Refused) in
            try bare.github(headers: githubHeaders(signature: ServeFixture.githubSignature(body)), body: Array(body.utf8))
        }
        #expect(refused?.status == .notFound)
        #expect(refused?.message.contains("SLIPWAY_GITHUB_WEBHOOK_SECRET") == true)
    }

    @Test("secrets are never printed")
    func secretsAreNotPrinted() {
        let secrets = WebhookSecrets.fromEnvironment(["SLIPWAY_GITHUB_WEBHOOK_SECRET": "hunter2", "SLIPWAY_GITLAB_WEBHOOK_TOKEN": "swordfish"])
        #expect(secrets.github == "hunter2" && secrets.gitlab == "swordfish")
        var configuration = ServerConfiguration()
        configuration.secrets = secrets
        var dumped = ""
        dump(configuration, to: &dumped)
        let printed = "\(secrets) \(String(reflecting: secrets)) \(configuration) \(String(reflecting: configuration)) \(dumped)"
        #expect(!printed.contains("hunter2") && !printed.contains("swordfish"), "\(printed)")
        #expect(secrets.description == "github: set, gitlab: set")
    }

    @Test("constant-time comparison and hex decoding")
    func comparison() {
        #expect(WebhookAuthentication.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!WebhookAuthentication.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!WebhookAuthentication.constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(WebhookAuthentication.bytes(hex: "00ffA0") == [0, 255, 160])
        #expect(WebhookAuthentication.bytes(hex: "0") == nil)
        #expect(WebhookAuthentication.bytes(hex: "0g") == nil)
    }

    @Test("--listen: HOST:PORT, [IPv6]:PORT and :PORT")
    func listenAddresses() {
        #expect(ListenAddress("127.0.0.1:8080") == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(ListenAddress("[::1]:0") == ListenAddress(host: "::1", port: 0))
        #expect(ListenAddress(":9000") == ListenAddress(host: "0.0.0.0", port: 9000))
        #expect(ListenAddress("localhost:65535")?.description == "localhost:65535")
        #expect(ListenAddress("[::1]:443")?.description == "[::1]:443")
        for bad in ["8080", "host", "host:port", "host:70000", "::1:80", "[::1]80", "host:-1"] {
            #expect(ListenAddress(bad) == nil, "\(bad)")
        }
    }
}
