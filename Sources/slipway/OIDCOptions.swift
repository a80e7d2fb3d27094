import ArgumentParser
import Foundation
import SlipwayServer

/// `slipway serve`'s identity provider: JWTs it signed are accepted besides API tokens. Each
/// flag falls back to its SLIPWAY_OIDC_* variable; issuer, audience and JWKS go together.
struct OIDCOptions: ParsableArguments {
    @Option(name: .customLong("oidc-issuer"), help: ArgumentHelp(
        "Accept JWTs from this identity provider: their iss must be exactly this (default: $\(OIDCConfiguration.issuerVariable)).",
        valueName: "url"
    ))
    var issuer: String?

    @Option(name: .customLong("oidc-audience"), help: ArgumentHelp(
        "The aud the JWTs must carry: Slipway's client id at the provider (default: $\(OIDCConfiguration.audienceVariable)).",
        valueName: "aud"
    ))
    var audience: String?

    @Option(name: .customLong("oidc-jwks"), help: ArgumentHelp(
        "The provider's public keys: a JWKS file, or an https:// URL fetched and cached; http:// only on a loopback host (default: $\(OIDCConfiguration.jwksVariable)).",
        valueName: "file|url"
    ))
    var jwks: String?

    @Option(name: .customLong("oidc-user-claim"), help: ArgumentHelp(
        "The claim naming the person (default: $\(OIDCConfiguration.userClaimVariable) or preferred_username; sub when missing).",
        valueName: "claim"
    ))
    var userClaim: String?

    @Option(name: .customLong("oidc-email-claim"), help: ArgumentHelp(
        "The claim with the person's email (default: $\(OIDCConfiguration.emailClaimVariable) or email).", valueName: "claim"
    ))
    var emailClaim: String?

    @Option(name: .customLong("oidc-groups-claim"), help: ArgumentHelp(
        "The claim with the person's groups; a dotted name reaches into an object, e.g. realm_access.roles (default: $\(OIDCConfiguration.groupsClaimVariable) or groups).",
        valueName: "claim"
    ))
    var groupsClaim: String?

    /// The configuration these flags and variables give, nil when none is set; an error names
    /// what is missing when only some are.
    func configuration(
        environment: [String: String] = ProcessInfo.processInfo.environment, relativeTo directory: String = FileManager.default.currentDirectoryPath
    ) throws -> OIDCConfiguration? {
        func value(_ flag: String?, _ variable: String) -> String? {
            (flag ?? environment[variable]).flatMap { $0.isEmpty ? nil : $0 }
        }
        let issuer = value(issuer, OIDCConfiguration.issuerVariable)
        let audience = value(audience, OIDCConfiguration.audienceVariable)
        let jwks = value(jwks, OIDCConfiguration.jwksVariable)
        if issuer == nil, audience == nil, jwks == nil { return nil }
        guard let issuer, let audience, let jwks else {
            let missing = [("--oidc-issuer", issuer), ("--oidc-audience", audience), ("--oidc-jwks", jwks)].filter { $0.1 == nil }.map(\.0)
            throw ValidationError("OIDC needs --oidc-issuer, --oidc-audience and --oidc-jwks together (or their SLIPWAY_OIDC_* variables); missing: \(missing.joined(separator: ", "))")
        }
        var location = JWKSLocation(jwks)
        if let problem = location.plainHTTPProblem {
            throw ValidationError("--oidc-jwks \(problem)")
        }
        if case .file(let path) = location {
            let absolute = path.hasPrefix("/") ? path : URL(fileURLWithPath: directory).appendingPathComponent(path).path
            guard FileManager.default.isReadableFile(atPath: absolute) else {
                throw ValidationError("--oidc-jwks \(path): no readable JWKS file there (give a file or an https:// URL)")
            }
            location = .file(absolute)
        }
        var configuration = OIDCConfiguration(issuer: issuer, audience: audience, jwks: location)
        if let claim = value(userClaim, OIDCConfiguration.userClaimVariable) { configuration.userClaim = claim }
        if let claim = value(emailClaim, OIDCConfiguration.emailClaimVariable) { configuration.emailClaim = claim }
        if let claim = value(groupsClaim, OIDCConfiguration.groupsClaimVariable) { configuration.groupsClaim = claim }
        return configuration
    }
}
