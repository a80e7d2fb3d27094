import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat

extension APIError {
    /// The error as an HTTP answer: the JSON body, `Retry-After` when set, and the request id.
    func response(requestID: String) -> Response {
        let (headers, body) = answer(requestID: requestID)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    /// The headers and JSON body of the answer (no `Content-Length`, `Date` or `Server`).
    func answer(requestID: String) -> (HTTPFields, ByteBuffer) {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", RequestID.header: requestID]
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        let body = ErrorBody(error: .init(code: code, message: message, requestID: requestID))
        let data = (try? ModelServeService.encoder.encode(body)) ?? Data(#"{"error":{"code":"internal"}}"#.utf8)
        return (headers, ByteBuffer(data: data))
    }

    /// A 429 for a key whose bucket refills in `retryAfter` (whole seconds, at least 1).
    static func rateLimited(after retryAfter: Duration) -> APIError {
        let seconds = Int((Double(retryAfter.components.seconds) + Double(retryAfter.components.attoseconds) / 1e18).rounded(.up))
        return rateLimited(retryAfterSeconds: max(1, seconds))
    }

    /// The answer for any error thrown while handling a request; unexpected ones become a 500
    /// whose message hides the details (they are logged instead).
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as HTTPError:
            switch error.status {
            case .notFound:
                return APIError(status: .notFound, code: "not_found", message: "no such route; see /openapi.json")
            case .methodNotAllowed:
                return APIError(status: .methodNotAllowed, code: "method_not_allowed", message: "this route does not take that method; see /openapi.json")
            case .contentTooLarge:
                return APIError(status: .contentTooLarge, code: "body_too_large", message: "the request body is too large")
            default:
                return APIError(status: error.status, code: "http_\(error.status.code)", message: error.body ?? error.status.reasonPhrase)
            }
        default:
            return APIError(status: .internalServerError, code: "internal", message: "an internal error occurred; the request id is in the log")
        }
    }
}
