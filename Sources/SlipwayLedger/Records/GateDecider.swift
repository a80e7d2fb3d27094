/// Who decides at a gate, as the server or the CLI vouched for them: an API token's person
/// (`tokenID`), or a person an identity provider vouched for with a verified JWT (`issuer` and
/// `subject`, the provider's own name for them, with the user name, email and groups its claims
/// gave). The approval row and its event record all of it.
public struct GateDecider: Sendable, Equatable {
    public var user: String
    public var groups: [String]
    /// The verified email address (a JWT's email claim); nil for API tokens.
    public var email: String?
    /// The API token the person presented; nil for an outside identity.
    public var tokenID: Int64?
    /// The identity provider (`iss`) and the person's id there (`sub`); nil for API tokens.
    public var issuer: String?
    public var subject: String?

    public init(user: String, groups: [String], email: String? = nil, tokenID: Int64? = nil, issuer: String? = nil, subject: String? = nil) {
        self.user = user
        self.groups = groups
        self.email = email
        self.tokenID = tokenID
        self.issuer = issuer
        self.subject = subject
    }

    /// The person an API token names.
    public init(token: APITokenRecord) {
        self.init(user: token.user, groups: token.groups, tokenID: token.id)
    }

    /// How a message names them: `ada`, or `ada (sub 1234 at https://idp.example)`.
    public var description: String {
        guard let issuer, let subject else { return user }
        return "\(user) (sub \(subject) at \(issuer))"
    }
}
