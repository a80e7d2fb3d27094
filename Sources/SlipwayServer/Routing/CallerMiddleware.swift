import Hummingbird

/// In front of the routes that need a caller (approvals, the audit API, the web pages'
/// actions): asks the ``APICallerAuthenticator`` who is calling and puts the answer in the
/// context, or answers 401 with `WWW-Authenticate: Bearer` and the reason, before the route
/// sees the request.
struct CallerMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    let authenticator: any APICallerAuthenticator

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        var context = context
        do {
            context.caller = try await authenticator.authenticate(request)
        } catch let refusal as APICallerRefusal {
            var response = APIProblem(status: .unauthorized, code: "unauthorized", message: refusal.description).response
            response.headers[.wwwAuthenticate] = #"Bearer realm="slipway""#
            return response
        }
        return try await next(request, context)
    }
}

extension ServerContext {
    /// The caller ``CallerMiddleware`` put here; a route behind it always has one.
    func requireCaller() throws -> APICaller {
        guard let caller else {
            throw APIProblem(status: .unauthorized, code: "unauthorized", message: "this route needs an API token")
        }
        return caller
    }
}
