import PostgresNIO

/// A ledger failure with a message a person can act on. Its `code` is short
/// and stable, safe as a metric label; the message never holds a password.
public struct LedgerError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        public static let configuration = Code(name: "configuration")
        public static let unreachable = Code(name: "unreachable")
        public static let authentication = Code(name: "authentication")
        public static let schemaTooNew = Code(name: "schema-too-new")
        public static let migrationChanged = Code(name: "migration-changed")
        public static let query = Code(name: "query")
        public static let notFound = Code(name: "not-found")
        public static let conflict = Code(name: "conflict")
        public static let invalidArgument = Code(name: "invalid-argument")
        public static let embeddedServer = Code(name: "embedded-server")
    }

    public var code: Code
    public var message: String
    public var cause: String?

    public init(_ code: Code, _ message: String, cause: String? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        cause.map { "\(message): \($0)" } ?? message
    }

    /// NIO's connection errors are long nested descriptions; a person needs the gist.
    static func plainConnectionCause(_ text: String) -> String {
        let lowered = text.lowercased()
        if lowered.contains("connection refused") { return "connection refused" }
        if lowered.contains("timeout") || lowered.contains("timed out") { return "connection timed out" }
        if lowered.contains("no such host") || lowered.contains("unknown host") || lowered.contains("name or service not known")
            || lowered.contains("unresolved") {
            return "host not found"
        }
        if lowered.contains("network is unreachable") { return "network unreachable" }
        return text
    }

    /// Turns a PostgresNIO error into a message that names what Slipway was doing.
    static func wrap(_ error: any Error, doing what: String) -> LedgerError {
        if let ledgerError = error as? LedgerError { return ledgerError }
        if let transaction = error as? PostgresTransactionError {
            // The closure's own error says what went wrong; BEGIN/COMMIT failures come after it.
            if let cause = transaction.closureError ?? transaction.commitError ?? transaction.beginError {
                return wrap(cause, doing: what)
            }
        }
        if let psql = error as? PSQLError {
            if let serverMessage = psql.serverInfo?[.message] {
                let state = psql.serverInfo?[.sqlState] ?? ""
                let code: Code = state == "28P01" || state == "28000" ? .authentication : (state == "23505" ? .conflict : .query)
                var cause = serverMessage
                if let detail = psql.serverInfo?[.detail] { cause += " (\(detail))" }
                return LedgerError(code, what, cause: cause)
            }
            if let underlying = psql.underlying {
                return LedgerError(.unreachable, what, cause: plainConnectionCause("\(underlying)"))
            }
            return LedgerError(.query, what, cause: "\(psql.code)")
        }
        return LedgerError(.query, what, cause: "\(error)")
    }
}
