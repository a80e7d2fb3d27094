/// Sends each bearer to the authenticator it is for: one that looks like a JWT (three
/// base64url parts) to the identity provider's verifier when OIDC is configured, anything else
/// (and every bearer without OIDC) to the ledger's API tokens. Machines and small teams keep
/// API tokens; people sign in with the identity provider.
struct BearerAuthenticator: APICallerAuthenticator {
    let tokens: any APICallerAuthenticator
    let oidc: (any APICallerAuthenticator)?

    func authenticate(bearer token: String) async throws -> APICaller {
        if let oidc, JWTShape.looksLikeJWT(token) {
            return try await oidc.authenticate(bearer: token)
        }
        return try await tokens.authenticate(bearer: token)
    }
}
