/// The JSON body of every error answer: `{"error": {"code", "message", "request_id"}}`.
public struct ErrorBody: Codable, Sendable {
    public struct Detail: Codable, Sendable, Hashable {
        public var code: String
        public var message: String
        public var requestID: String

        enum CodingKeys: String, CodingKey {
            case code, message
            case requestID = "request_id"
        }
    }

    public var error: Detail
}
