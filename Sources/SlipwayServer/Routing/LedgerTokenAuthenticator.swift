import Hummingbird
import SlipwayLedger

/// Callers named by API tokens (`slipway token create`) as the ledger holds them: by SHA-256,
/// compared in constant time, refused when revoked or expired (``LedgerTransaction/authenticate(token:)``).
struct LedgerTokenAuthenticator: APICallerAuthenticator {
    let ledger: Ledger

    func authenticate(_ request: Request) async throws -> APICaller {
        guard let header = request.headers[.authorization] else {
            throw APICallerRefusal("this route needs an API token: send `Authorization: Bearer slw_…` (from `slipway token create`)")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APICallerRefusal("the Authorization header must be `Bearer ` and an API token")
        }
        let secret = String(parts[1])
        do {
            let record = try await ledger.transaction { tx in try await tx.authenticate(token: secret) }
            return APICaller(user: record.user, groups: record.groups, token: record)
        } catch let error as LedgerError where error.code == .unauthenticated {
            throw APICallerRefusal(error.message)
        }
    }
}
