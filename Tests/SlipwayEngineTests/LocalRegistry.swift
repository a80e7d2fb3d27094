import AsyncHTTPClient
import Foundation
import NIOCore
import SlipwayTestSupport
import Testing

/// A real OCI registry on loopback for one test: Debian's `docker-registry` (the CNCF
/// distribution server), with its configuration and storage in a temporary directory, listening
/// on a port the kernel picks, optionally behind htpasswd authentication.
struct LocalRegistry {
    let server: BackgroundProcess
    let directory: TemporaryDirectory

    /// `127.0.0.1:PORT`.
    var address: String { "127.0.0.1:\(server.port)" }

    /// The user `ada` with password `s3cret`, as an htpasswd line (bcrypt, cost 4 to keep tests quick).
    static let adaHtpasswd = "ada:$2b$04$ik5P7o4p3yervG3EdBQSh.3a3Acy6XcTb3U/.soiKwNEUow6W80hK"

    /// Starts a registry (requiring the `htpasswd` users when given), runs `body`, stops it.
    static func with<T>(htpasswd: String? = nil, _ body: (LocalRegistry) async throws -> T) async throws -> T {
        let executable = try ScanWorld.requireTool("docker-registry", install: "apt-get install docker-registry (Debian's CNCF distribution server)")
        let directory = try TemporaryDirectory(prefix: "slipway-registry")
        var config = """
            version: 0.1
            log: { level: info }
            storage:
              filesystem: { rootdirectory: \(directory.path("storage")) }
            http:
              addr: 127.0.0.1:0
            """
        if let htpasswd {
            try htpasswd.write(toFile: directory.path("htpasswd"), atomically: true, encoding: .utf8)
            config += "\nauth:\n  htpasswd: { realm: slipway-test, path: \(directory.path("htpasswd")) }\n"
        }
        try config.write(toFile: directory.path("config.yml"), atomically: true, encoding: .utf8)
        return try await BackgroundProcess.withProcess(
            executable: executable, arguments: ["serve", directory.path("config.yml")], announcement: "listening on "
        ) { server in
            try await body(LocalRegistry(server: server, directory: directory))
        }
    }

    /// The digest the registry serves `name:tag`'s manifest under (its `Docker-Content-Digest`),
    /// asked over the registry API as any client would; nil when it has no such manifest.
    func manifestDigest(name: String, tag: String, credentials: (user: String, password: String)? = nil) async throws -> String? {
        var request = HTTPClientRequest(url: "http://\(address)/v2/\(name)/manifests/\(tag)")
        request.headers.add(name: "Accept", value: [
            "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.distribution.manifest.list.v2+json",
        ].joined(separator: ", "))
        if let credentials {
            request.headers.add(name: "Authorization", value: "Basic " + Data("\(credentials.user):\(credentials.password)".utf8).base64EncodedString())
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { return nil }
        return response.headers.first(name: "Docker-Content-Digest")
    }
}
