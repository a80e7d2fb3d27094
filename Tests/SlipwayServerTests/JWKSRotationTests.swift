import Foundation
import Logging
import SlipwayServer
import Testing

/// The JWKS cache of ``OIDCAuthenticator`` in this process, against a real HTTP server whose
/// keys the test rotates: an unknown key id fetches the keys again, at most once per refetch
/// interval.
@Suite("JWKS rotation")
struct JWKSRotationTests {
    @Test("a token signed with a key the provider added later is refused until the refetch interval has passed, then accepted; the keys are fetched once per interval however many tokens name unknown keys")
    func rotation() async throws {
        let old = try TestIdentityProvider(name: "old")
        let new = try TestIdentityProvider(name: "new")
        let published = PublishedJWKS(try old.jwks())
        try await TestIdentityProvider.serveJWKS({ published.value }) { url, requests in
            var configuration = OIDCConfiguration(issuer: TestIdentityProvider.issuer, audience: TestIdentityProvider.audience, jwks: .url(url))
            configuration.refetchInterval = .seconds(60)
            // The cache's clock is the test's: the interval passes when the test says, not when a busy machine does.
            let offset = ClockOffset()
            let authenticator = OIDCAuthenticator(
                configuration: configuration, logger: Logger(label: "jwks-rotation-test"), now: { .now + offset.value }
            )
            let claims = TestIdentityProvider.claims(user: "grace", groups: ["release-managers"])
            let before = try await authenticator.authenticate(bearer: try await old.token(claims))
            #expect(before.user == "grace" && before.identity?.subject == "sub-grace-0001" && before.identity?.issuer == TestIdentityProvider.issuer)
            #expect(requests.count == 1)

            let rotated = try await new.token(claims)
            await #expect(throws: APICallerRefusal.self) { _ = try await authenticator.authenticate(bearer: rotated) }
            #expect(requests.count == 1, "fetched again within the interval")
            // The provider publishes its new key; within the interval it is not fetched yet.
            let both = try JSONSerialization.jsonObject(with: Data(try old.jwks().utf8)) as? [String: [Any]]
            let added = try JSONSerialization.jsonObject(with: Data(try new.jwks().utf8)) as? [String: [Any]]
            let merged = try JSONSerialization.data(withJSONObject: ["keys": (both?["keys"] ?? []) + (added?["keys"] ?? [])])
            published.value = String(decoding: merged, as: UTF8.self)
            await #expect(throws: APICallerRefusal.self) { _ = try await authenticator.authenticate(bearer: rotated) }
            #expect(requests.count == 1)

            offset.advance(by: .seconds(61))
            let after = try await authenticator.authenticate(bearer: rotated)
            #expect(after.user == "grace")
            #expect(requests.count == 2, "fetched \(requests.count) times")
            // Known keys need no fetch.
            _ = try await authenticator.authenticate(bearer: try await old.token(claims))
            #expect(requests.count == 2)
        }
    }
}

/// The JWKS document the test's provider publishes, changed while the server runs.
final class PublishedJWKS: Sendable {
    private let lock = NSLock()
    nonisolated(unsafe) private var document: String
    init(_ document: String) { self.document = document }
    var value: String {
        get { lock.withLock { document } }
        set { lock.withLock { document = newValue } }
    }
}

/// How far the test has moved its clock ahead of the real one.
final class ClockOffset: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Duration = .zero
    var value: Duration { lock.withLock { current } }
    func advance(by duration: Duration) { lock.withLock { current += duration } }
}
