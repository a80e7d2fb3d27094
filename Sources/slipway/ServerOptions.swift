import ArgumentParser
import Foundation

/// Where `approve`, `reject` and `pending` go: a `slipway serve` (--server or $SLIPWAY_SERVER),
/// through its HTTP API with the caller's token, or else the ledger's database directly.
struct ServerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Go through the HTTP API of the `slipway serve` at this URL (with your token) instead of the database. Default: $SLIPWAY_SERVER, unless --database-url is given.",
        valueName: "url"
    ))
    var server: String?

    /// The server's base URL without a trailing slash, or nil to use the database. An explicit
    /// --database-url beats $SLIPWAY_SERVER; both flags at once are refused.
    func resolved(_ global: GlobalOptions) throws -> String? {
        let chosen: String
        if let server, !server.isEmpty {
            if global.databaseURL != nil {
                throw CommandError("--server and --database-url both say where to go; give one (the server has its own database)")
            }
            chosen = server
        } else if global.databaseURL == nil, let environment = ProcessInfo.processInfo.environment["SLIPWAY_SERVER"], !environment.isEmpty {
            chosen = environment
        } else {
            return nil
        }
        guard let url = URL(string: chosen), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              url.host?.isEmpty == false, url.query == nil, url.fragment == nil
        else {
            throw CommandError("--server \(chosen): give the server's base URL, such as http://127.0.0.1:8080 or https://slipway.example.com")
        }
        var base = chosen
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }
}
