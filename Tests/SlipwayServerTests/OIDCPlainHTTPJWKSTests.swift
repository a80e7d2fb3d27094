import Foundation
import SlipwayServer
import SlipwayTestSupport
import Testing

/// A JWKS fetched over plain HTTP across a network can be swapped by anyone on the path (who
/// then signs tokens Slipway accepts): `--oidc-jwks http://…` is refused unless the host is
/// the loopback interface.
@Suite("OIDC JWKS over plain http")
struct OIDCPlainHTTPJWKSTests {
    @Test("slipway serve refuses an http:// JWKS URL on a non-loopback host with a usage error saying why; a file or https:// is fine")
    func serveRefusesPlainHTTP() throws {
        let state = try TemporaryDirectory(prefix: "oidc-http")
        for url in ["http://idp.example.com/realms/ops/protocol/openid-connect/certs", "http://10.0.0.7:8080/jwks", "HTTP://[2001:db8::1]/jwks"] {
            let output = try SlipwayBinary.run([
                "serve", "--state-dir", state.path, "--database-url", "postgres://nobody:none@127.0.0.1:1/none",
                "--oidc-issuer", "https://idp.example.com/realms/ops", "--oidc-audience", "slipway", "--oidc-jwks", url,
            ])
            #expect(output.status == 64, "\(url): exit \(output.status), \(output.stderr)")
            #expect(output.stderr.contains("--oidc-jwks \(url) is plain http://"), "\(output.stderr)")
            #expect(output.stderr.contains("not a loopback address"), "\(output.stderr)")
            #expect(output.stderr.contains("use the provider's https:// JWKS URL"), "\(output.stderr)")
        }
    }

    @Test("http:// is allowed on 127.0.0.0/8, ::1 and localhost; everything else plain is refused")
    func loopbackOnly() {
        for allowed in [
            "http://127.0.0.1:8080/jwks", "http://127.9.8.7/jwks", "http://localhost:9000/jwks", "http://LOCALHOST/jwks",
            "http://[::1]:8443/jwks", "http://[0:0:0:0:0:0:0:1]/jwks", "https://idp.example.com/jwks", "/etc/slipway/jwks.json",
        ] {
            #expect(JWKSLocation(allowed).plainHTTPProblem == nil, "\(allowed)")
        }
        for refused in [
            "http://idp.example.com/jwks", "http://128.0.0.1/jwks", "http://10.1.2.3/jwks", "http://[::2]/jwks",
            "http://[::ffff:10.0.0.1]/jwks", "http://localhost.example.com/jwks", "http://127.0.0.1.nip.io/jwks", "http:///jwks",
        ] {
            #expect(JWKSLocation(refused).plainHTTPProblem != nil, "\(refused)")
        }
    }
}
