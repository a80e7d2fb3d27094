import Foundation

/// The little Slipway reads from a push delivery: which ref moved, and whether it was deleted.
/// Never the commit: the watcher reads the branch's tip from git itself.
struct PushPayload: Sendable, Equatable {
    var ref: String
    var deleted: Bool

    /// The reason a body is not a payload Slipway can read.
    struct Malformed: Error, Equatable {
        var message: String
    }

    /// The JSON object of a delivery's body: the body itself, or for GitHub's
    /// `application/x-www-form-urlencoded` deliveries its `payload` field.
    static func object(from body: [UInt8], contentType: String?) throws(Malformed) -> [String: Any] {
        var json = Data(body)
        if contentType?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
            guard let text = String(bytes: body, encoding: .utf8) else { throw Malformed(message: "the form body is not UTF-8") }
            var components = URLComponents()
            components.percentEncodedQuery = text.replacingOccurrences(of: "+", with: "%20")
            guard let payload = components.queryItems?.first(where: { $0.name == "payload" })?.value else {
                throw Malformed(message: "the form body has no payload field")
            }
            json = Data(payload.utf8)
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: json)
        } catch {
            throw Malformed(message: "the body is not valid JSON")
        }
        guard let object = parsed as? [String: Any] else { throw Malformed(message: "the body is not a JSON object") }
        return object
    }

    /// GitHub's `push`: `ref` and `deleted`.
    static func github(_ object: [String: Any]) throws(Malformed) -> PushPayload {
        guard let ref = object["ref"] as? String, !ref.isEmpty else { throw Malformed(message: "a push payload needs \"ref\"") }
        return PushPayload(ref: ref, deleted: object["deleted"] as? Bool ?? false)
    }

    /// GitLab's `Push Hook`: `ref`; a deleted branch has an `after` of forty zeros.
    static func gitlab(_ object: [String: Any]) throws(Malformed) -> PushPayload {
        guard let ref = object["ref"] as? String, !ref.isEmpty else { throw Malformed(message: "a push payload needs \"ref\"") }
        let after = object["after"] as? String ?? ""
        return PushPayload(ref: ref, deleted: after.count == 40 && after.allSatisfy { $0 == "0" })
    }
}
