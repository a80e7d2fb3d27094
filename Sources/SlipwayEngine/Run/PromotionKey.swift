import Foundation
import ModelServeKit

/// An API key made for one promotion's smoke checks: created in the environment's keys file
/// (which holds only hashes), kept in memory only, revoked when the promotion's driver is done.
/// A resumed promotion makes a new one.
struct PromotionKey {
    var keysFile: String
    var plaintext: String
    var id: String

    static func create(keysFile: String, promotionID: Int64) throws -> PromotionKey {
        try FileManager.default.createDirectory(
            atPath: (keysFile as NSString).deletingLastPathComponent, withIntermediateDirectories: true
        )
        let created = try APIKeyStore(path: keysFile).create(name: "slipway-promotion-\(promotionID)", scopes: [APIKey.allRoutes])
        return PromotionKey(keysFile: keysFile, plaintext: created.plaintextKey, id: created.entry.id)
    }

    func revoke() {
        _ = try? APIKeyStore(path: keysFile).revoke(id: id)
    }
}
