import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// Reading a JSON request body: the content type, the size bound, the syntax (400) and the shape (422).
enum RequestDecoding {
    static let decoder = JSONDecoder()

    static func decode<Body: Decodable>(_ type: Body.Type, from request: Request, maxBytes: Int) async throws -> Body {
        let contentType = request.headers[.contentType]
        guard isJSON(contentType) else { throw APIError.unsupportedMediaType(contentType) }
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBytes {
            throw APIError.bodyTooLarge(limit: maxBytes)
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maxBytes)
        } catch {
            throw APIError.bodyTooLarge(limit: maxBytes)
        }
        if Body.self == GenerateBody.self, let body = GenerateBody.scanned(buffer) as? Body {
            return body  // the usual generate request, read without JSONDecoder
        }
        do {
            return try decoder.decode(Body.self, from: buffer)
        } catch let error as DecodingError {
            throw problem(error)
        }
    }

    /// Whether a `Content-Type` says JSON (any parameters, any case).
    static func isJSON(_ contentType: String?) -> Bool {
        contentType?.lowercased().hasPrefix("application/json") == true
    }

    /// A syntax error is the caller's malformed JSON (400); a missing or mistyped field is a 422 naming it.
    static func problem(_ error: DecodingError) -> APIError {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return .malformedJSON(detail ?? context.debugDescription)
        case .keyNotFound(let key, let context):
            return .invalid("\(path(context.codingPath + [key])) is required")
        case .typeMismatch(let type, let context):
            return .invalid("\(path(context.codingPath)) must be \(describe(type))")
        case .valueNotFound(let type, let context):
            return .invalid("\(path(context.codingPath)) must be \(describe(type)), not null")
        case .dataCorrupted(let context):
            return .invalid("\(path(context.codingPath)): \(context.debugDescription)")
        @unknown default:
            return .invalid("the request body does not have the expected fields")
        }
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "the body" : text
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type: return "an integer"
        case is Double.Type: return "a number"
        case is [String].Type: return "an array of strings"
        default:
            let name = String(describing: type)
            return name.hasPrefix("Array") || name.hasPrefix("[") ? "an array" : "an object"
        }
    }
}
