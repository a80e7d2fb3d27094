import SlipwayLedger

/// The one place where the ledger's refusals of a gate decision become HTTP statuses. The
/// message is the ledger's own, the same words `slipway approve` prints against the database.
enum ApprovalProblem {
    /// The answer for `error`, or nil when it is no refusal (a broken database: a 500, logged).
    static func from(_ error: any Error) -> APIProblem? {
        switch error {
        case let problem as APIProblem:
            return problem
        case let error as LedgerError:
            switch error.code {
            // A token that is unknown, revoked or expired (checked again inside the decision).
            case .unauthenticated: return APIProblem(status: .unauthorized, code: "unauthorized", message: error.message)
            // Not an approver, the commit's author, whoever started the run, break glass by
            // someone not allowed, a second approval by the same person.
            case .forbidden: return APIProblem(status: .forbidden, code: "forbidden", message: error.message)
            case .notFound: return APIProblem(status: .notFound, code: "not_found", message: error.message)
            // Past its gate, under way, finished, or not at its gate yet.
            case .conflict: return APIProblem(status: .conflict, code: "conflict", message: error.message)
            case .invalidArgument: return APIProblem(status: .unprocessableContent, code: "invalid", message: error.message)
            default: return nil
            }
        default:
            return nil
        }
    }
}
