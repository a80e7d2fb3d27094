/// One message of a chat: `role` is system, user, assistant or tool.
public struct ConversationMessage: Codable, Sendable, Hashable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}
