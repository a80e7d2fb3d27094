import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// JSON as the audit routes answer it: sorted keys, and times as ISO-8601 UTC strings
/// (`2026-11-23T21:32:55Z`), the form the `since` and `until` filters take back.
enum AuditJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func data(_ value: some Encodable) throws -> Data {
        try encoder.encode(value)
    }

    static func response(_ body: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: try data(body)))
        )
    }
}
