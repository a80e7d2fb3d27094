import Foundation
import ModelServe
import SlipwayTestSupport
import Testing

@Suite("model-serve keys")
struct KeysCommandTests {
    func modelServe(_ arguments: [String]) throws -> SlipwayBinary.Output {
        try SlipwayBinary.run(arguments, executable: "model-serve")
    }

    @Test("add prints the key once, stores only its hash; list never shows it; revoke makes it fail authentication")
    func addListRevoke() throws {
        let scratch = try TemporaryDirectory()
        let file = scratch.path("keys.json")
        let added = try modelServe(["keys", "add", "team-a", "--file", file, "--scopes", "generate", "chat"])
        #expect(added.status == 0, "\(added.stderr)")
        let key = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(key.hasPrefix("ms_") && key.count == 46)
        #expect(added.stderr.contains("shown only this once"))

        let stored = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!stored.contains(key))
        #expect(!stored.contains(String(key.dropFirst(3))))
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)

        let store = try APIKeyStore(path: file)
        #expect(store.authenticate(bearer: "Bearer \(key)", route: "generate") == .allowed(keyID: store.list()[0].id))
        #expect(store.authenticate(bearer: "Bearer \(key)", route: "embeddings").httpStatus == 403)

        let listed = try modelServe(["keys", "list", "--file", file])
        #expect(listed.status == 0)
        let lines = listed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("ID"))
        #expect(lines[1].contains("team-a") && lines[1].contains("generate,chat") && lines[1].hasSuffix("-"))
        #expect(!listed.stdout.contains(key))

        let id = try #require(lines[1].split(separator: " ").first.map(String.init))
        let revoked = try modelServe(["keys", "revoke", id, "--file", file])
        #expect(revoked.stdout == "revoked \(id) (team-a)\n")
        #expect(try APIKeyStore(path: file).authenticate(bearer: "Bearer \(key)", route: "generate") == .unknownOrRevoked)
    }

    @Test("an unknown id or a corrupt keys file gives one error line naming the file, exit 1")
    func badInput() throws {
        let scratch = try TemporaryDirectory()
        let file = scratch.path("keys.json")
        let unknown = try modelServe(["keys", "revoke", "key_000000000000", "--file", file])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.hasPrefix("error: ") && unknown.stderr.contains(file))
        try "{ not json".write(toFile: file, atomically: true, encoding: .utf8)
        let corrupt = try modelServe(["keys", "list", "--file", file])
        #expect(corrupt.status == 1)
        #expect(corrupt.stderr.hasPrefix("error: ") && corrupt.stderr.contains(file))
        #expect(corrupt.stderr.split(separator: "\n").count == 1)
    }
}
