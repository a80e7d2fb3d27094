import SlipwayLedger

/// Callers named by API tokens (`slipway token create`) as the ledger holds them: by SHA-256,
/// compared in constant time, refused when revoked or expired (``LedgerTransaction/authenticate(token:)``).
struct LedgerTokenAuthenticator: APICallerAuthenticator {
    let ledger: Ledger

    func authenticate(bearer token: String) async throws -> APICaller {
        do {
            let record = try await ledger.transaction { tx in try await tx.authenticate(token: token) }
            return APICaller(user: record.user, groups: record.groups, token: record)
        } catch let error as LedgerError where error.code == .unauthenticated {
            throw APICallerRefusal(error.message)
        }
    }
}
