import Foundation

/// What a scanner starts with instead of the commit's files: trivy and grype (and syft) read a
/// config file (`trivy.yaml`, `.grype.yaml`, `.syft.yaml`) and trivy an ignore file
/// (`.trivyignore`) from their working directory, so a commit could tell them to ignore every
/// finding or fetch their database elsewhere. Each runs with an empty config file and an empty
/// ignore file named on its command line (Slipway's, rewritten empty before every scan), in an
/// empty directory (the sandbox's private `/tmp`; without the sandbox, `scanners/cwd` of the
/// state directory), with the checkout given as an absolute path.
struct BlankScannerConfiguration: Sendable, Equatable {
    /// The directory holding the files: bound read-only into the sandbox.
    var directory: String
    /// An empty YAML file: `--config` of trivy, `-c` of grype and syft.
    var config: String { "\(directory)/empty.yaml" }
    /// An empty ignore file: trivy's `--ignorefile`.
    var ignoreFile: String { "\(directory)/empty.trivyignore" }
    /// An empty directory an unsandboxed scanner starts in.
    var workingDirectory: String { "\(directory)/cwd" }

    /// Makes the files (empty) and the directory (empty) afresh.
    static func prepare(in directory: String) throws -> BlankScannerConfiguration {
        let blank = BlankScannerConfiguration(directory: directory)
        let files = FileManager.default
        try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for path in [blank.config, blank.ignoreFile, blank.workingDirectory] where files.fileExists(atPath: path) {
            try files.removeItem(atPath: path)
        }
        for path in [blank.config, blank.ignoreFile] {
            guard files.createFile(atPath: path, contents: Data(), attributes: [.posixPermissions: 0o644]) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
        }
        try files.createDirectory(atPath: blank.workingDirectory, withIntermediateDirectories: false)
        return blank
    }
}
