import Foundation

/// The registry credentials an image step pushes with, from the runner's environment, never the
/// spec: `SLIPWAY_REGISTRY_USERNAME` and `SLIPWAY_REGISTRY_PASSWORD` for the step's registry, or a
/// docker-style auth file (`{"auths": {"host:port": {"auth": base64("user:password")}}}`) at
/// `SLIPWAY_REGISTRY_AUTH_FILE`. Without either the builder uses its own defaults.
///
/// The builders get them as a file (`--authfile`, or `DOCKER_CONFIG` for docker and kaniko) in a
/// private directory removed after the step, so a password never appears in a command line.
struct RegistryCredentials {
    /// The auth file to pass, if any.
    var authFile: String?
    /// A directory holding it as `config.json`, for builders that read `DOCKER_CONFIG`.
    var dockerConfigDirectory: String?
    /// The private directory to remove after the step.
    private var scratch: String?

    static let usernameVariable = "SLIPWAY_REGISTRY_USERNAME"
    static let passwordVariable = "SLIPWAY_REGISTRY_PASSWORD"
    static let authFileVariable = "SLIPWAY_REGISTRY_AUTH_FILE"

    /// Reads the credentials for `registry` from `environment`, writing the files the builders need.
    static func prepare(
        for registry: String, step: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ImageBuildFailure) -> RegistryCredentials {
        let username = environment[usernameVariable].flatMap { $0.isEmpty ? nil : $0 }
        let password = environment[passwordVariable].flatMap { $0.isEmpty ? nil : $0 }
        let authFile = environment[authFileVariable].flatMap { $0.isEmpty ? nil : $0 }
        switch (username, password, authFile) {
        case (nil, nil, nil):
            return RegistryCredentials()
        case (nil, nil, let file?):
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw ImageBuildFailure(
                    step: step, .credentials, "\(authFileVariable) names \(file), which cannot be read",
                    advice: "point \(authFileVariable) at a readable docker-style auth file, or unset it"
                )
            }
            let contents = FileManager.default.contents(atPath: file) ?? Data()
            return try write(contents, step: step, keepingPath: file)
        case (let user?, let secret?, nil):
            let token = Data("\(user):\(secret)".utf8).base64EncodedString()
            let json = try? JSONSerialization.data(
                withJSONObject: ["auths": [registry: ["auth": token]]], options: [.sortedKeys]
            )
            return try write(json ?? Data(), step: step, keepingPath: nil)
        case (_, _, .some):
            throw ImageBuildFailure(
                step: step, .credentials, "both \(authFileVariable) and \(usernameVariable)/\(passwordVariable) are set",
                advice: "give the registry credentials one way: an auth file, or a username and password"
            )
        default:
            throw ImageBuildFailure(
                step: step, .credentials, "only one of \(usernameVariable) and \(passwordVariable) is set",
                advice: "set both (or neither) in the runner's environment"
            )
        }
    }

    /// Puts `contents` as `config.json` in a new private directory; the auth file is `keepingPath`
    /// when given (the user's own file), else that copy.
    private static func write(_ contents: Data, step: String, keepingPath: String?) throws(ImageBuildFailure) -> RegistryCredentials {
        let directory = NSTemporaryDirectory() + "slipway-registry-auth-" + UUID().uuidString.lowercased()
        let file = directory + "/config.json"
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]
            )
            guard FileManager.default.createFile(atPath: file, contents: contents, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw ImageBuildFailure(
                step: step, .credentials, "cannot write the registry credentials to \(directory): \(error)",
                advice: "check that the temporary directory is writable"
            )
        }
        return RegistryCredentials(authFile: keepingPath ?? file, dockerConfigDirectory: directory, scratch: directory)
    }

    /// Removes the private directory.
    func remove() {
        if let scratch { try? FileManager.default.removeItem(atPath: scratch) }
    }
}
