import AsyncHTTPClient
import Foundation
import JWTKit
import Logging
import NIOCore
import NIOFoundationCompat
import SlipwayCore

/// The identity provider's signing keys, read from a JWKS file or fetched from its URL (with
/// AsyncHTTPClient) and cached. A token naming a key that is not in the cache makes it fetch
/// again, at most once per ``OIDCConfiguration/refetchInterval`` (a flood of made-up key ids
/// does not become a flood of requests to the provider); keys older than
/// ``OIDCConfiguration/maximumKeyAge`` are fetched again before use. When fetching fails the
/// keys already held are kept for up to an hour; without any, every token is refused with why.
actor JWKSSource {
    let location: JWKSLocation
    let refetchInterval: Duration
    let maximumKeyAge: Duration
    let client: HTTPClient
    let logger: Logger
    let now: @Sendable () -> ContinuousClock.Instant

    private var keys: [JWK] = []
    private var loadedAt: ContinuousClock.Instant?
    private var lastAttempt: ContinuousClock.Instant?
    private var lastFailure: String?
    private var loading: Task<Void, Never>?

    /// The largest JWKS read (a provider's has a few keys of a few hundred bytes each).
    static let maximumBytes = 1 << 20
    /// How long stale keys are used while the provider cannot be reached.
    static let staleLimit: Duration = .seconds(3600)

    init(
        configuration: OIDCConfiguration, client: HTTPClient, logger: Logger,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        location = configuration.jwks
        refetchInterval = configuration.refetchInterval
        maximumKeyAge = configuration.maximumKeyAge
        self.client = client
        self.logger = logger
        self.now = now
    }

    /// The key the token's header names (`kid`; with no `kid`, the only key there is).
    func key(id kid: String?) async throws -> JWK {
        let instant = now()
        if loadedAt.map({ instant - $0 >= maximumKeyAge }) ?? true, mayAttempt(at: instant) {
            await load()
        }
        if let key = find(kid) { return key }
        if mayAttempt(at: now()) {
            await load()
            if let key = find(kid) { return key }
        }
        if keys.isEmpty, let lastFailure {
            throw APICallerRefusal("the identity provider's keys cannot be read (\(lastFailure)), so no JWT can be checked; nothing was done")
        }
        guard let kid else {
            throw APICallerRefusal("the token's header names no key (kid) and the identity provider's JWKS at \(location) has \(keys.count) keys")
        }
        throw APICallerRefusal("the token was signed with key \(kid), which the identity provider's JWKS at \(location) does not have")
    }

    private func find(_ kid: String?) -> JWK? {
        guard let kid else { return keys.count == 1 ? keys[0] : nil }
        return keys.first { $0.keyIdentifier?.string == kid }
    }

    private func mayAttempt(at instant: ContinuousClock.Instant) -> Bool {
        lastAttempt.map { instant - $0 >= refetchInterval } ?? true
    }

    /// Reads the JWKS once, however many requests ask at the same time.
    private func load() async {
        if let loading { return await loading.value }
        let task = Task { await self.reload() }
        loading = task
        await task.value
        loading = nil
    }

    private func reload() async {
        lastAttempt = now()
        do {
            let fresh = try await fetch()
            keys = fresh
            loadedAt = now()
            lastFailure = nil
            logger.info("read the identity provider's keys", metadata: [
                "jwks": "\(location)", "keys": "\(fresh.compactMap(\.keyIdentifier?.string))",
            ])
        } catch {
            let reason = "\(error)"
            lastFailure = reason
            if let loadedAt, now() - loadedAt > Self.staleLimit {
                keys = []
                self.loadedAt = nil
            }
            logger.error("cannot read the identity provider's keys; JWTs are refused until they can be read", metadata: [
                "jwks": "\(location)", "error": "\(reason)", "keptKeys": "\(keys.count)",
            ])
        }
    }

    private func fetch() async throws -> [JWK] {
        let data: Data
        switch location {
        case .file(let path):
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw JWKSError("cannot read the JWKS file \(path): \((error as NSError).localizedDescription)")
            }
        case .url(let url):
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Accept", value: "application/json")
            let response: HTTPClientResponse
            do {
                response = try await client.execute(request, timeout: .seconds(10))
            } catch {
                throw JWKSError("cannot fetch the JWKS from \(url): \(error)")
            }
            guard response.status.code == 200 else {
                throw JWKSError("fetching the JWKS from \(url) answered \(response.status.code), not 200")
            }
            do {
                data = Data(buffer: try await response.body.collect(upTo: Self.maximumBytes))
            } catch {
                throw JWKSError("the JWKS from \(url) is larger than \(Self.maximumBytes) bytes or was cut off: \(error)")
            }
        }
        return try Self.keys(in: data, from: location)
    }

    /// The signing keys of a JWKS document. Keys Slipway cannot use (encryption keys, kinds
    /// jwt-kit does not know) are skipped, not fatal; a document with none is an error.
    static func keys(in data: Data, from location: JWKSLocation) throws -> [JWK] {
        guard case .object(let document)? = try? JSONDecoder().decode(JSONValue.self, from: data),
              case .array(let entries)? = document["keys"]
        else {
            throw JWKSError("the JWKS at \(location) is not a JSON object with a \"keys\" list")
        }
        var keys: [JWK] = []
        for entry in entries {
            guard case .object(let fields) = entry else { continue }
            if case .string(let use)? = fields["use"], use != "sig" { continue }
            guard let json = try? JSONEncoder().encode(entry), let key = try? JSONDecoder().decode(JWK.self, from: json) else { continue }
            guard key.keyType == .rsa || key.keyType == .ecdsa else { continue }
            keys.append(key)
        }
        guard !keys.isEmpty else { throw JWKSError("the JWKS at \(location) has no RSA or EC signing key") }
        return keys
    }
}

/// The JWKS cannot be read, with where and why.
struct JWKSError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
