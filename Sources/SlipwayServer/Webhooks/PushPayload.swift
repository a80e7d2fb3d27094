import Foundation

/// The little Slipway reads from a push delivery: which ref moved, whether it was deleted, and
/// who pushed which commit (so the pusher cannot approve it). Never what to run: the watcher
/// reads the branch's tip from git itself.
struct PushPayload: Sendable, Equatable {
    var ref: String
    var deleted: Bool
    /// The commit the ref was pushed to (`after`), when the payload says.
    var after: String? = nil
    /// Who pushed, as the provider names them: `Name <email>` and the account's login.
    var pushers: [String] = []

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
        var pushers: [String] = []
        if let pusher = object["pusher"] as? [String: Any] {
            pushers += person(name: pusher["name"] as? String, email: pusher["email"] as? String)
        }
        if let login = (object["sender"] as? [String: Any])?["login"] as? String, !login.isEmpty { pushers.append(login) }
        return PushPayload(ref: ref, deleted: object["deleted"] as? Bool ?? false, after: sha(object["after"]), pushers: pushers)
    }

    /// GitLab's `Push Hook`: `ref`; a deleted branch has an `after` of forty zeros.
    static func gitlab(_ object: [String: Any]) throws(Malformed) -> PushPayload {
        guard let ref = object["ref"] as? String, !ref.isEmpty else { throw Malformed(message: "a push payload needs \"ref\"") }
        let after = object["after"] as? String ?? ""
        var pushers = person(name: object["user_name"] as? String, email: object["user_email"] as? String)
        if let login = object["user_username"] as? String, !login.isEmpty { pushers.append(login) }
        return PushPayload(ref: ref, deleted: after.count == 40 && after.allSatisfy { $0 == "0" }, after: sha(after), pushers: pushers)
    }

    /// `Name <email>`, or whichever of the two is there.
    static func person(name: String?, email: String?) -> [String] {
        let name = name?.trimmingCharacters(in: .whitespaces) ?? "", email = email?.trimmingCharacters(in: .whitespaces) ?? ""
        switch (name.isEmpty, email.isEmpty) {
        case (false, false): return ["\(name) <\(email)>"]
        case (false, true): return [name]
        case (true, false): return ["<\(email)>"]
        case (true, true): return []
        }
    }

    /// A commit id of 40 lowercase hex digits (not the all-zero one of a deleted ref), or nil.
    static func sha(_ value: Any?) -> String? {
        guard let text = (value as? String)?.lowercased(), text.count == 40, text.allSatisfy(\.isHexDigit),
              !text.allSatisfy({ $0 == "0" })
        else { return nil }
        return text
    }
}
