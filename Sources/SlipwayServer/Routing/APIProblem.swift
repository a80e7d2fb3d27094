import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// An error answer: `{"error": {"code", "message"}}` with a status. The code is short and
/// stable; the message says what to do.
struct APIProblem: Error, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var message: String

    var response: Response {
        JSONAnswer.response(["error": ["code": code, "message": message]], status: status)
    }

    /// The answer for any error thrown while handling a request; unexpected ones become a 500
    /// whose message hides the details (they are logged instead).
    static func from(_ error: any Error) -> APIProblem {
        switch error {
        case let problem as APIProblem:
            return problem
        case let error as HTTPError:
            switch error.status {
            case .notFound:
                return APIProblem(status: .notFound, code: "not_found", message: "no such route; see /openapi.json")
            case .methodNotAllowed:
                return APIProblem(status: .methodNotAllowed, code: "method_not_allowed", message: "this route does not take that method; see /openapi.json")
            case .contentTooLarge:
                return APIProblem(status: .contentTooLarge, code: "too_large", message: "the request body is too large")
            default:
                return APIProblem(status: error.status, code: "http_\(error.status.code)", message: error.body ?? error.status.reasonPhrase)
            }
        default:
            return APIProblem(status: .internalServerError, code: "internal", message: "an internal error occurred; it is in the server's log")
        }
    }
}

/// JSON answers with sorted keys, so they read the same every time.
enum JSONAnswer {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func response(_ body: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? encoder.encode(body)) ?? Data(#"{"error":{"code":"internal","message":"the answer could not be encoded"}}"#.utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: data))
        )
    }
}
