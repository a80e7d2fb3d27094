import ArgumentParser
import SlipwayEngine

/// How the commands that run pipelines (`run`, `watch`, `serve`) sandbox build steps and
/// scanners, and where the runner's secrets are.
struct BuildSandboxOptions: ParsableArguments {
    @Flag(name: .customLong("unsandboxed-builds"), help: ArgumentHelp(
        """
        Build even when bubblewrap (Debian package bubblewrap) is missing: build steps and scanners then run as plain \
        child processes that see the runner's files and network. Each such run records a run.unsandboxed event.
        """
    ))
    var unsandboxedBuilds = false

    @Option(name: .customLong("secrets-file"), help: ArgumentHelp(
        "The runner's secrets (NAME=VALUE lines) a build step may name in `secrets:` (default: secrets.env in the state directory, if it exists).",
        valueName: "file"
    ))
    var secretsFile: String?

    @Option(name: .customLong("bwrap"), help: ArgumentHelp(
        "The bubblewrap binary (default: /usr/bin/bwrap, /usr/local/bin/bwrap or /bin/bwrap).", valueName: "path"
    ))
    var bubblewrap: String?

    /// The settings these flags give; `global`'s signing key file is hidden from steps and scanners too.
    func settings(_ global: GlobalOptions) -> BuildSandbox.Settings {
        BuildSandbox.Settings(
            allowUnsandboxed: unsandboxedBuilds, bubblewrap: bubblewrap, secretsFile: secretsFile.map(absolute),
            signingKeyFile: global.resolvedSigningKeyPath
        )
    }
}
