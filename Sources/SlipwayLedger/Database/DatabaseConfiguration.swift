import Foundation

/// Where the ledger's PostgreSQL is, parsed from a `postgres://` URL as
/// `DATABASE_URL` and `--database-url` give it.
public struct DatabaseConfiguration: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, Equatable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// A Unix socket directory, when the URL names one (`?host=/var/run/postgresql`).
    public var socketDirectory: String?

    public init(
        host: String = "127.0.0.1", port: Int = 5432, username: String, password: String? = nil,
        database: String, tls: TLSMode = .disable, socketDirectory: String? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.socketDirectory = socketDirectory
    }

    /// Parses `postgres://user:password@host:port/database?sslmode=disable`.
    public init(url text: String) throws(LedgerError) {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else {
            throw LedgerError(.configuration, "the database URL must look like postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        guard let user = components.user, !user.isEmpty else {
            throw LedgerError(.configuration, "the database URL names no user; expected postgres://USER@HOST/DATABASE")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else {
            throw LedgerError(.configuration, "the database URL names no database; expected postgres://USER@HOST/DATABASE")
        }
        var tls = TLSMode.prefer
        var socket: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                switch item.value ?? "" {
                case "disable": tls = .disable
                case "allow", "prefer": tls = .prefer
                case "require", "verify-ca", "verify-full": tls = .require
                default:
                    throw LedgerError(.configuration, "unknown sslmode '\(item.value ?? "")' in the database URL; expected disable, prefer or require")
                }
            case "host":
                socket = item.value
            default:
                continue
            }
        }
        self.init(
            host: components.host ?? "127.0.0.1", port: components.port ?? 5432,
            username: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 },
            database: database.removingPercentEncoding ?? database, tls: tls, socketDirectory: socket
        )
    }

    /// The URL with the password left out, safe for logs and messages.
    public var description: String {
        let target = socketDirectory.map { "socket \($0)" } ?? "\(host):\(port)"
        return "postgres://\(username)@\(target)/\(database)"
    }

    /// A URL other tools (psql, a second Slipway) can use, password included.
    public var url: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = username
        components.password = password
        components.host = host
        components.port = port
        components.path = "/" + database
        components.queryItems = [URLQueryItem(name: "sslmode", value: tls.rawValue)]
        return components.string ?? description
    }
}
