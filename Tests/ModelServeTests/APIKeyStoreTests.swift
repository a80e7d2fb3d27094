import Foundation
import Testing

@testable import ModelServe

/// The keys file: what is stored, what is never stored, and how requests are judged.
@Suite struct APIKeyStoreTests {
    /// A fresh directory for one test's keys file.
    static func withKeysFile(_ body: (String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("modelserve-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory.appendingPathComponent("keys.json").path)
    }

    @Test func createdKeyHasTheDocumentedShape() throws {
        try Self.withKeysFile { path in
            let store = try APIKeyStore(path: path)
            let created = try store.create(name: "ci", scopes: ["generate"])
            #expect(created.plaintextKey.hasPrefix("ms_"))
            #expect(created.plaintextKey.count == 46)
            #expect(!created.plaintextKey.contains("="))
            #expect(created.entry.id.hasPrefix("key_"))
            #expect(created.entry.sha256 == SHA256Digest.hex(SHA256Digest.bytes(of: created.plaintextKey)))
            let other = try store.create(name: "ci2", scopes: ["generate"])
            #expect(other.plaintextKey != created.plaintextKey)
            #expect(other.entry.id != created.entry.id)
        }
    }

    @Test func fileRoundTripsAndNeverHoldsThePlaintextKey() throws {
        try Self.withKeysFile { path in
            let store = try APIKeyStore(path: path)
            let first = try store.create(name: "search", scopes: ["generate", "chat"])
            let second = try store.create(name: "admin", scopes: ["*"])
            let contents = try String(contentsOfFile: path, encoding: .utf8)
            #expect(!contents.contains(first.plaintextKey))
            #expect(!contents.contains(second.plaintextKey))
            #expect(!contents.contains(String(first.plaintextKey.dropFirst(3))))
            #expect(contents.contains(first.entry.sha256))

            let reloaded = try APIKeyStore(path: path)
            #expect(reloaded.list() == store.list())
            #expect(reloaded.list().map(\.name) == ["search", "admin"])
            #expect(reloaded.authenticate(bearer: "Bearer \(first.plaintextKey)", route: "chat") == .allowed(keyID: first.entry.id))
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
            #expect(leftovers == ["keys.json"])
        }
    }

    @Test func fileModeIs0600() throws {
        try Self.withKeysFile { path in
            let store = try APIKeyStore(path: path)
            _ = try store.create(name: "ci", scopes: ["generate"])
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        }
    }

    @Test func missingOrMalformedHeaderIs401() throws {
        try Self.withKeysFile { path in
            let store = try APIKeyStore(path: path)
            let key = try store.create(name: "ci", scopes: ["*"]).plaintextKey
            let malformed = [
                nil, "", "Bearer", "Basic \(key)", "Bearer ms_short", "Bearer \(key)x", "Bearer \(key.dropLast())!", key,
                "Bearer \(key) extra", "Bearerx \(key)", "Bearer\t\(key)", "Bearer \(key)\t", "Beärer \(key)", "Bearer  ",
            ]
            for header in malformed {
                let result = store.authenticate(bearer: header, route: "generate")
                #expect(result == .missingOrMalformed, "header \(String(describing: header))")
                #expect(result.httpStatus == 401)
            }
            #expect(store.authenticate(bearer: "bearer \(key)", route: "generate").httpStatus == 200)
            #expect(store.authenticate(bearer: "BEARER   \(key)  ", route: "generate").httpStatus == 200)
        }
    }

    @Test func unknownKeyIs401() throws {
        try Self.withKeysFile { path in
            let store = try APIKeyStore(path: path)
            let real = try store.create(name: "ci", scopes: ["*"]).plaintextKey
            var forged = Array(real)
            forged[forged.count - 1] = forged.last == "A" ? "B" : "A"
            let result = store.authenticate(bearer: "Bearer \(String(forged))", route: "generate")
            #expect(result == .unknownOrRevoked)
            #expect(result.httpStatus == 401)
        }
    }

    @Test func keyNotAllowedTheRouteIs403() throws {
        try Self.withKeysFile { path in
            let store = try APIKeyStore(path: path)
            let created = try store.create(name: "embedder", scopes: ["embeddings"])
            let header = "Bearer \(created.plaintextKey)"
            #expect(store.authenticate(bearer: header, route: "embeddings") == .allowed(keyID: created.entry.id))
            let denied = store.authenticate(bearer: header, route: "generate")
            #expect(denied == .forbidden(keyID: created.entry.id))
            #expect(denied.httpStatus == 403)
        }
    }

    @Test func wildcardScopeAllowsEveryRoute() throws {
        try Self.withKeysFile { path in
            let store = try APIKeyStore(path: path)
            let created = try store.create(name: "admin", scopes: ["*"])
            for route in ["generate", "chat", "embeddings"] {
                #expect(store.authenticate(bearer: "Bearer \(created.plaintextKey)", route: route) == .allowed(keyID: created.entry.id))
            }
        }
    }

    @Test func revokedKeyIsRefusedAndStaysRevokedAfterReload() throws {
        try Self.withKeysFile { path in
            let revokedAt = Date(timeIntervalSince1970: 1_800_000_000)
            let store = try APIKeyStore(path: path, now: { revokedAt })
            let victim = try store.create(name: "leaked", scopes: ["*"])
            let survivor = try store.create(name: "ok", scopes: ["*"])
            let revoked = try store.revoke(id: victim.entry.id)
            #expect(revoked.revokedAt == revokedAt)
            #expect(store.authenticate(bearer: "Bearer \(victim.plaintextKey)", route: "chat") == .unknownOrRevoked)
            #expect(store.authenticate(bearer: "Bearer \(survivor.plaintextKey)", route: "chat") == .allowed(keyID: survivor.entry.id))

            let reloaded = try APIKeyStore(path: path)
            #expect(reloaded.authenticate(bearer: "Bearer \(victim.plaintextKey)", route: "chat") == .unknownOrRevoked)
            #expect(reloaded.list().first { $0.id == victim.entry.id }?.revokedAt == revokedAt)
        }
    }

    @Test func revokingAnUnknownIdNamesTheFile() throws {
        try Self.withKeysFile { path in
            let store = try APIKeyStore(path: path)
            #expect(throws: APIKeyError.unknownKey(id: "key_nope", path: path)) {
                try store.revoke(id: "key_nope")
            }
        }
    }

    @Test func corruptFileIsAClearErrorNamingTheFile() throws {
        try Self.withKeysFile { path in
            try Data("{ not json".utf8).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: APIKeyError.self) { try APIKeyStore(path: path) }
            guard case .corruptFile(let named, _) = error else {
                Issue.record("expected corruptFile, got \(String(describing: error))")
                return
            }
            #expect(named == path)
            #expect(error?.description.contains(path) == true)
        }
    }

    @Test func malformedHashIsCorrupt() throws {
        try Self.withKeysFile { path in
            let json = #"[{"id":"key_1","name":"x","sha256":"abc","scopes":["*"],"createdAt":"2026-01-01T00:00:00Z"}]"#
            try Data(json.utf8).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: APIKeyError.self) { try APIKeyStore(path: path) }
            #expect(error?.description.contains("key_1") == true)
            #expect(error?.description.contains(path) == true)
        }
    }

    @Test func missingFileIsEmptyAndEmptyNameIsRejected() throws {
        try Self.withKeysFile { path in
            let store = try APIKeyStore(path: path)
            #expect(store.list().isEmpty)
            #expect(throws: APIKeyError.self) { try store.create(name: "  ", scopes: ["*"]) }
            #expect(throws: APIKeyError.self) { try store.create(name: "x", scopes: []) }
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test func constantTimeEqualChecksEveryByte() {
        let a = SHA256Digest.bytes(of: "a")
        var lastDiffers = a
        lastDiffers[31] ^= 1
        #expect(SHA256Digest.constantTimeEqual(a, a))
        #expect(!SHA256Digest.constantTimeEqual(a, lastDiffers))
        #expect(!SHA256Digest.constantTimeEqual(a, Array(a.prefix(31))))
        #expect(SHA256Digest.bytes(fromHex: SHA256Digest.hex(a)) == a)
    }
}
