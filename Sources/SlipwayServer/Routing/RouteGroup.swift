import Hummingbird

/// A set of routes `slipway serve` answers, with their OpenAPI description. The server
/// registers every group and builds `/openapi.json` from all of them, so a new group (the
/// approvals API, the audit API) is one new type listed in ``ReleaseServer/routeGroups(trigger:)``.
protocol RouteGroup: Sendable {
    /// Adds the routes to the router.
    func register(on router: Router<ServerContext>)
    /// The OpenAPI 3.1 `paths` entries of the routes, as a JSON object keyed by path.
    var openAPIPaths: String { get }
    /// The schemas those paths refer to (`#/components/schemas/NAME`), as a JSON object keyed by name.
    var openAPISchemas: String { get }
}
